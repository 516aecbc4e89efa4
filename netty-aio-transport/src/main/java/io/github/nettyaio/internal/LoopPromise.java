/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.Objects;

/**
 * Internal API. A promise whose listeners run on the event loop it is bound to (at construction, or later with
 * {@link #bind}), and on Netty's {@link GlobalEventExecutor} while it is unbound or once that loop has shut down,
 * so that completing it after the shutdown still notifies its listeners instead of dropping them.
 *
 * <p>It completes like any {@link DefaultPromise}, from any thread. It is critical that a promise handed out before
 * its loop is known (a handler's, before {@code handlerAdded}) is bound as soon as the loop is known: until then
 * its listeners run on {@link GlobalEventExecutor}.
 */
public final class LoopPromise<V> extends DefaultPromise<V> {
    private volatile EventExecutor loop;

    /**
     * Creates a promise whose listeners run on {@code loop} while it is alive.
     *
     * @throws NullPointerException a null {@code loop}
     */
    public LoopPromise(EventExecutor loop) {
        super(Objects.requireNonNull(loop, "loop"));
        this.loop = loop;
    }

    /** Creates a promise not bound to a loop yet: its listeners run on {@link GlobalEventExecutor} until bound. */
    public LoopPromise() {
    }

    /**
     * Binds this promise to {@code loop}: listeners notified from now on run there (while it is alive). Any thread.
     *
     * @throws NullPointerException a null {@code loop}
     */
    public void bind(EventExecutor loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    @Override
    protected EventExecutor executor() {
        EventExecutor bound = loop;
        return bound == null || bound.isShutdown() ? GlobalEventExecutor.INSTANCE : bound;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Internal API. A promise whose listeners run on its event loop, or on Netty's {@link GlobalEventExecutor} once that loop
 * has shut down, so that failing it after shutdown still notifies its listeners instead of dropping them.
 */
public final class LoopPromise<V> extends DefaultPromise<V> {
    private final EventExecutor loop;

    /** Creates a promise whose listeners run on {@code loop} while it is alive. */
    public LoopPromise(EventExecutor loop) {
        super(loop);
        this.loop = loop;
    }

    @Override
    protected EventExecutor executor() {
        return loop.isShutdown() ? GlobalEventExecutor.INSTANCE : loop;
    }
}

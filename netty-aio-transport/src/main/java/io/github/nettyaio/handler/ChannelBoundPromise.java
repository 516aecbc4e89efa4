/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * A promise that exists before its handler knows its channel: its listeners run on the executor it is
 * {@link #bind bound} to (the channel's loop, from {@code handlerAdded}), and on Netty's
 * {@link GlobalEventExecutor} before that or once that executor has shut down.
 */
final class ChannelBoundPromise<V> extends DefaultPromise<V> {
    private volatile EventExecutor executor;

    void bind(EventExecutor executor) {
        this.executor = executor;
    }

    @Override
    protected EventExecutor executor() {
        EventExecutor e = executor;
        return e == null || e.isShutdown() ? GlobalEventExecutor.INSTANCE : e;
    }
}

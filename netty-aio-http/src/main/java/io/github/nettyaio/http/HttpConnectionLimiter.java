/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cap on the open connections of a server (nginx: {@code worker_connections}): counts the child channels it is
 * added to, and closes a new one at once, with a TCP reset ({@code SO_LINGER 0}), while {@link #maxConnections()}
 * are open; the connection is never left to queue unanswered. {@link Sharable} and thread-safe: make one per
 * server and put it first in every child pipeline (before an {@code SslHandler}, so a rejected client costs no
 * handshake). Runs on the channels' event loops; never blocks.
 *
 * <p>It is critical to keep the cap well below the process's descriptor limit: an accepted connection holds a
 * descriptor until it is closed, and each request may open files of its own. The limiter can't stop the accept
 * itself, so a rejected connection costs one descriptor for a moment.
 */
@ChannelHandler.Sharable
public final class HttpConnectionLimiter extends ChannelInboundHandlerAdapter {
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder rejected = new LongAdder();

    /**
     * A limiter for at most {@code maxConnections} open connections (0: no cap, only counting).
     *
     * @throws IllegalArgumentException {@code maxConnections < 0}
     */
    public HttpConnectionLimiter(int maxConnections) {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected >= 0)");
        }
        this.maxConnections = maxConnections;
    }

    /** The cap (0: none). */
    public int maxConnections() {
        return maxConnections;
    }

    /** The connections open now (counted ones: accepted and not yet closed). */
    public int openConnections() {
        return open.get();
    }

    /** The connections closed at once since this limiter was made, because the cap was reached. */
    public long rejectedConnections() {
        return rejected.sum();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        int n = open.incrementAndGet();
        if (maxConnections > 0 && n > maxConnections) {
            open.decrementAndGet();
            rejected.increment();
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // a transport without SO_LINGER: a plain close
            }
            ctx.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }
}

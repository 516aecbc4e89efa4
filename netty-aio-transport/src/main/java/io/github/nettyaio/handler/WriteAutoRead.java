/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;

/**
 * Turns {@code autoRead} back on for {@link WriteQueue}, also on a channel whose input is shut down, where Netty
 * 4.2.18's epoll transport fails the {@code read()} that turning it on issues ({@code epoll_ctl}: ENOENT, as it
 * removed the descriptor from its epoll set) and closes the channel: there the flag is restored with that read
 * swallowed.
 *
 * <p>Runs on the channel's event loop; it fails only as {@code setAutoRead} does. It is critical that nothing else
 * reads in between: the swallowing handler sits first in the pipeline only during the {@code setAutoRead} call.
 */
final class WriteAutoRead {
    private WriteAutoRead() {
    }

    /** Turns autoRead on for {@code channel}; with {@code inputShutdown}, without the read that comes with it. */
    static void resume(Channel channel, boolean inputShutdown) {
        if (!inputShutdown) {
            channel.config().setAutoRead(true);
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addFirst(NoRead.INSTANCE);
        try {
            channel.config().setAutoRead(true);
        } finally {
            pipeline.remove(NoRead.INSTANCE);
        }
    }

    /** Swallows {@code read()}, while autoRead is restored on a channel whose input is shut down. */
    @Sharable
    private static final class NoRead extends ChannelOutboundHandlerAdapter {
        static final NoRead INSTANCE = new NoRead();

        @Override
        public void read(ChannelHandlerContext ctx) {
        }
    }
}

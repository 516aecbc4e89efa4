/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * A server channel's handler that remembers the connections it accepts, so a test closes the ones its client keeps
 * alive before it shuts the loop down: Netty's io_uring channels otherwise leave the buffer of a receive still in
 * flight unreleased when their ring goes away, which the paranoid leak check reports.
 */
public final class ChildChannels extends ChannelInboundHandlerAdapter {
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        children.add((Channel) child);
        ctx.fireChannelRead(child);
    }

    /** Closes every accepted connection still open and waits (at most 10 s) until they are closed. */
    public void closeAll() throws InterruptedException {
        children.close().await(10, TimeUnit.SECONDS);
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * ReadPauses on a real accepted connection: two owners' pauses overlap (pipelining and an upload, in either
 * order) and reading resumes only when both are given back.
 */
class ReadPausesTest {
    @Test
    void readingResumesOnlyWhenThePauseOfEveryReasonIsGivenBack() throws Exception {
        IoEventLoopGroup group = Transport.best().newGroup(1);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(Transport.best().serverChannelClass())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.complete(ctx.channel());
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                Channel ch = accepted.get(10, TimeUnit.SECONDS);
                List<Boolean> seen = ch.eventLoop().submit(() -> {
                    ReadPauses reads = new ReadPauses(ch);
                    List<Boolean> out = new ArrayList<>();
                    reads.pause();                           // the upload opens its file
                    out.add(ch.config().isAutoRead());
                    reads.pause();                           // a pipelined request waits
                    reads.resume();                          // the upload's file is open
                    out.add(ch.config().isAutoRead());       // still paused: the pipelined request waits
                    reads.resume();                          // the pipelined request is taken up
                    out.add(ch.config().isAutoRead());
                    assertThrows(IllegalStateException.class, reads::resume);
                    out.add(ch.config().isAutoRead());
                    return out;
                }).get(10, TimeUnit.SECONDS);
                assertEquals(List.of(false, false, true, true), seen);
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}

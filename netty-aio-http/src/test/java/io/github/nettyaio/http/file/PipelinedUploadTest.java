/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.http.testing.RawHttp;
import io.github.nettyaio.http.testing.TestTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.github.nettyaio.file.AioEngine;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.api.io.TempDir;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoopGroup;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In HttpFileServerInitializer's pipeline, an upload whose body arrived before its file was open is stored whole, and
 * its file opening (its write handler taking up the body) does not resume reading while a pipelined request waits.
 */
class PipelinedUploadTest {
    @TempDir
    Path dir;

    @Test
    void anOpenedUploadLeavesReadingPausedWhileAPipelinedRequestWaits() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "after the upload");
        IoEventLoopGroup group = TestTransport.best().newGroup(1);
        DiskExecutor disk = new DiskExecutor(1); // one thread: the test's tasks order the server's
        FileService files = new FileService(new ServedDirectory(dir), disk, FileBodies.aio(AioEngine.AUTO),
                AioEngine.AUTO, new AccessLog(line -> { }), 0, 0, false, true);
        AtomicReference<Channel> child = new AtomicReference<>();
        CountDownLatch pipelinedSeen = new CountDownLatch(1);
        CountDownLatch gate1 = new CountDownLatch(1);
        CountDownLatch gate2 = new CountDownLatch(1);
        CompletableFuture<Boolean> autoReadAfterOpen = new CompletableFuture<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(TestTransport.best().serverChannelClass())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            child.set(ch);
                            new HttpFileServerInitializer(new HttpFileService(files), null).initChannel(ch);
                            // Right before HttpFileHandler: once the GET has passed, it has been queued.
                            ch.pipeline().addBefore("files", "spy", new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    boolean get = msg instanceof HttpRequest
                                            && ((HttpRequest) msg).method().name().equals("GET");
                                    ctx.fireChannelRead(msg);
                                    if (get) {
                                        pipelinedSeen.countDown();
                                    }
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            // Occupy the only disk thread: the upload's open queues behind it.
            disk.submit(group.next(), () -> {
                gate1.await(20, TimeUnit.SECONDS);
                // Queued after the open: runs once the open has handed its file to the loop; a task on the loop
                // then runs after opened().
                disk.submit(group.next(), () -> {
                    Channel ch = child.get();
                    autoReadAfterOpen.complete(ch.eventLoop().submit(() -> ch.config().isAutoRead())
                            .get(20, TimeUnit.SECONDS));
                    gate2.await(20, TimeUnit.SECONDS);
                    return null;
                });
                return null;
            });
            try (Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort())) {
                client.setSoTimeout(20_000);
                RawHttp.send(client, "PUT /up.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
                assertTrue(pipelinedSeen.await(20, TimeUnit.SECONDS));
                gate1.countDown();
                assertFalse(autoReadAfterOpen.get(20, TimeUnit.SECONDS),
                        "reading resumed by the upload while the pipelined GET waits");
                gate2.countDown();
                InputStream in = client.getInputStream();
                assertEquals(201, RawHttp.readResponse(in, false).status);
                RawHttp.RawResponse get = RawHttp.readResponse(in, false);
                assertEquals("after the upload", new String(get.body, StandardCharsets.UTF_8));
                assertTrue(child.get().eventLoop().submit(() -> child.get().config().isAutoRead())
                        .get(20, TimeUnit.SECONDS), "reading is on again once nothing waits");
                assertEquals("hello", Files.readString(dir.resolve("up.txt")));
            } finally {
                gate1.countDown();
                gate2.countDown();
                server.close().sync();
            }
        } finally {
            disk.close();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}

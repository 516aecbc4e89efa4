/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.handler.AioFilePipelines;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one accepted connection: {@code [SslHandler] [IdleStateHandler] HttpServerCodec
 * HttpServerKeepAliveHandler EmptyFlushFilter ChunkedWriteHandler HttpFileHandler}, the filter and the
 * {@code ChunkedWriteHandler} added (and the {@code SslHandler} tuned for file bodies) by
 * {@link AioFilePipelines#addFileServing}; the idle handler closes a connection on which nothing was read or
 * written for the configured time (a reader that stalls a transfer that long included). The same for plain HTTP
 * and HTTPS apart from the {@code SslHandler}: bodies are {@code ChunkedInput}s, which (unlike a
 * {@code FileRegion}) pass through TLS.
 */
final class HttpFileServerInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext ssl;
    private final FileService files;

    /** Pipelines for plain HTTP ({@code ssl == null}) or HTTPS. */
    HttpFileServerInitializer(SslContext ssl, FileService files) {
        this.ssl = ssl;
        this.files = files;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        if (files.idleTimeoutSeconds > 0) {
            p.addLast("idle", new IdleStateHandler(0, 0, files.idleTimeoutSeconds, TimeUnit.SECONDS) {
                @Override
                protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
                    ctx.close();
                }
            });
        }
        p.addLast("http", new HttpServerCodec());
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        // EmptyFlushFilter + ChunkedWriteHandler, and the JDK's TLS engine gets each chunk whole (no re-copying).
        AioFilePipelines.addFileServing(p);
        p.addLast("files", new HttpFileHandler(files));
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioEngine;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The pipeline of one accepted connection: {@code [SslHandler] HttpServerCodec HttpServerKeepAliveHandler
 * ChunkedWriteHandler HttpFileHandler}. The same for plain HTTP and HTTPS apart from the {@code SslHandler}:
 * bodies are {@code ChunkedInput}s, which (unlike a {@code FileRegion}) pass through TLS.
 */
final class HttpFileServerInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext ssl;
    private final ServedDirectory dir;
    private final DiskExecutor disk;
    private final FileBodies bodies;
    private final AioEngine engine;
    private final AccessLog log;

    /** Pipelines for plain HTTP ({@code ssl == null}) or HTTPS. */
    HttpFileServerInitializer(SslContext ssl, ServedDirectory dir, DiskExecutor disk, FileBodies bodies,
                              AioEngine engine, AccessLog log) {
        this.ssl = ssl;
        this.dir = dir;
        this.disk = disk;
        this.bodies = bodies;
        this.engine = engine;
        this.log = log;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        p.addLast("http", new HttpServerCodec());
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        p.addLast("chunked", new ChunkedWriteHandler());
        p.addLast("files", new HttpFileHandler(dir, disk, bodies, engine, log));
    }
}

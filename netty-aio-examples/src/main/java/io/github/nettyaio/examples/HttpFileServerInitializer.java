/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

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
        p.addLast("http", new HttpServerCodec());
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        p.addLast("chunked", new ChunkedWriteHandler());
        p.addLast("files", new HttpFileHandler(files));
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.handler.EmptyFlushFilter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one accepted connection: {@code [SslHandler] [IdleStateHandler] HttpServerCodec
 * HttpServerKeepAliveHandler EmptyFlushFilter ChunkedWriteHandler HttpFileHandler}; the idle handler closes a connection on which
 * nothing was read or written for the configured time (a reader that stalls a transfer that long included). The same for plain HTTP and HTTPS apart from the {@code SslHandler}:
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
            SslHandler tls = ssl.newHandler(ch.alloc());
            // Each message goes to the engine whole (a large one as consecutive records) instead of in pieces of
            // at most 16 KiB coalesced with the next message. The JDK engine takes less than the 16 KiB offered per
            // TLS 1.3 record (16367 bytes on JDK 17), and the coalescing path then copied the left-over together
            // with the next piece into a new buffer: nearly every byte of a body was copied once more, four times
            // per 64 KiB chunk.
            tls.setWrapDataSize(0);
            p.addLast("tls", tls);
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
        // ChunkedWriteHandler flushes whenever it is resumed before the next chunk's read has completed; over TLS
        // each such flush became an empty record write and (io_uring) a zero-length SEND: about 8 per 1 MiB body.
        p.addLast("empty-flushes", new EmptyFlushFilter());
        p.addLast("chunked", new ChunkedWriteHandler());
        p.addLast("files", new HttpFileHandler(files));
    }
}

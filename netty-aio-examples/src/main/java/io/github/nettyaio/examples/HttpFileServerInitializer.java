/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.handler.AioFilePipelines;
import io.github.nettyaio.http.HttpConnectionLimiter;
import io.github.nettyaio.http.HttpDateHandler;
import io.github.nettyaio.http.HttpServerLimits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one accepted connection: {@code connections [SslHandler] [IdleStateHandler] http-bytes
 * HttpServerCodec http-limits date HttpServerKeepAliveHandler EmptyFlushFilter ChunkedWriteHandler
 * HttpFileHandler}. The {@link HttpConnectionLimiter} (shared by the server's ports) closes connections over the
 * cap before any TLS handshake and then leaves the pipeline; {@link HttpServerLimits#addHandlers} puts the head,
 * body and keep-alive deadlines and the header caps around the codec (made with the limits' sizes);
 * {@link HttpDateHandler} dates every response. The filter and the {@code ChunkedWriteHandler} are added (and the
 * {@code SslHandler} tuned for file bodies) by {@link AioFilePipelines#addFileServing}. The idle handler, the last
 * resort, closes a connection on which nothing was read or written for the idle timeout (a reader that stalls a
 * transfer that long included). The same for plain HTTP
 * and HTTPS apart from the {@code SslHandler}: bodies are {@code ChunkedInput}s, which (unlike a
 * {@code FileRegion}) pass through TLS.
 */
final class HttpFileServerInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext ssl;
    private final FileService files;
    private final HttpServerLimits limits;
    private final HttpConnectionLimiter connections;

    /** Pipelines with the default limits and a connection cap of their own (reads the descriptor limit). */
    HttpFileServerInitializer(SslContext ssl, FileService files) {
        this(ssl, files, HttpServerLimits.defaults(), HttpServerLimits.defaults().newConnectionLimiter());
    }

    /** Pipelines for plain HTTP ({@code ssl == null}) or HTTPS, counted by {@code connections}. */
    HttpFileServerInitializer(SslContext ssl, FileService files, HttpServerLimits limits,
                              HttpConnectionLimiter connections) {
        this.ssl = ssl;
        this.files = files;
        this.limits = limits;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("connections", connections);
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
        p.addLast("http", limits.newServerCodec());
        limits.addHandlers(p, "http");
        p.addLast("date", HttpDateHandler.INSTANCE);
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        // EmptyFlushFilter + ChunkedWriteHandler, and the JDK's TLS engine gets each chunk whole (no re-copying).
        AioFilePipelines.addFileServing(p);
        p.addLast("files", new HttpFileHandler(files));
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.handler.AioFilePipelines;
import io.github.nettyaio.http.HttpConnectionLimiter;
import io.github.nettyaio.http.HttpDateHandler;
import io.github.nettyaio.http.HttpServerLimits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline of one accepted connection of an {@link HttpFileService}, for
 * {@code ServerBootstrap.childHandler}: {@code connections [tls] [idle] http} + the limits' handlers +
 * {@code date keep-alive} + {@link AioFilePipelines#addFileServing} ({@code EmptyFlushFilter},
 * {@code ChunkedWriteHandler}) + {@code files} (the service's handler). The {@link HttpConnectionLimiter} closes
 * connections over the cap before any TLS handshake; {@link HttpServerLimits#addHandlers} adds the head, body and
 * keep-alive deadlines and the header caps; {@link HttpDateHandler} dates every response; the idle handler closes
 * a connection on which nothing moved for {@link HttpFileService#idleTimeoutMillis()}.
 *
 * <p>{@link ChannelHandler.Sharable}: one instance per port (share the limiter between ports to cap them
 * together). {@link #initChannel} runs on the channel's event loop and touches no disk; it throws only what
 * Netty's pipeline throws (a duplicate name). Pitfall: add your own handlers by name (e.g. before
 * {@code "files"}), since the handlers of the limits may come and go.
 */
@ChannelHandler.Sharable
public final class HttpFileServerInitializer extends ChannelInitializer<Channel> {
    /** The name of the {@link HttpFileService#newHandler()} handler, last in the pipeline. */
    public static final String FILES_HANDLER_NAME = "files";

    private final HttpFileService service;
    private final SslContext ssl;
    private final HttpServerLimits limits;
    private final HttpConnectionLimiter connections;

    /**
     * Pipelines with {@link HttpServerLimits#defaults()} and a connection cap of their own: plain HTTP if
     * {@code ssl} is null, else HTTPS. Reads the descriptor limit: call off the event loops.
     */
    public HttpFileServerInitializer(HttpFileService service, SslContext ssl) {
        this(service, ssl, HttpServerLimits.defaults());
    }

    /** Pipelines with {@code limits}, counted by a new limiter of their own ({@code ssl} null: plain HTTP). */
    public HttpFileServerInitializer(HttpFileService service, SslContext ssl, HttpServerLimits limits) {
        this(service, ssl, limits, limits.newConnectionLimiter());
    }

    /**
     * Pipelines with {@code limits} ({@code ssl} null: plain HTTP), counted by {@code connections}, which may be
     * shared with other ports. Any thread.
     */
    public HttpFileServerInitializer(HttpFileService service, SslContext ssl, HttpServerLimits limits,
                                     HttpConnectionLimiter connections) {
        this.service = Objects.requireNonNull(service, "service");
        this.ssl = ssl;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    /**
     * Adds the handlers to {@code ch}'s pipeline, in the order above; public so that an initializer of your own
     * can call it and then add handlers. Runs on the caller's thread (Netty calls it on the channel's event loop).
     */
    @Override
    public void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("connections", connections);
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        long idle = service.idleTimeoutMillis();
        if (idle > 0) {
            p.addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS) {
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
        p.addLast(FILES_HANDLER_NAME, service.newHandler());
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;

/**
 * Answers the requests of one connection, one at a time and in order (pipelined requests wait, with reading
 * paused): {@code GET}/{@code HEAD} through {@link FileGet}, {@code PUT} uploads through {@link Upload}
 * ({@code 405} when read-only, {@code 413} above the size limit, {@code 507} when the file system is full),
 * {@code 400}/{@code 403}/{@code 404}/{@code 414} for paths {@link RequestPath} or {@link Visibility} refuses,
 * {@code 405} for other methods, one access-log line per answer. It turns {@code autoRead} off while pipelined
 * requests wait; an upload's {@code AioFileWriteHandler} holds reading itself while its file opens and its writes
 * lag. Keep-alive is decided by the {@code HttpServerKeepAliveHandler} before it (every response has a length).
 *
 * <p>Sits last in a pipeline of {@code [SslHandler] HttpServerCodec HttpServerKeepAliveHandler
 * ChunkedWriteHandler}; all its methods run on the channel's event loop. Never shared between connections.
 */
final class HttpFileHandler extends ChannelInboundHandlerAdapter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HttpFileHandler.class);

    private final FileService files;
    /** Messages of requests after the current one (reading is paused while any wait). */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private FileGet gets;
    /** Reading is paused ({@code autoRead} off) because pipelined requests wait in {@link #pending}. */
    private boolean pipelinePause;
    private Exchange current;

    HttpFileHandler(FileService files) {
        this.files = files;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.gets = new FileGet(this, ctx, files);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!pending.isEmpty() || current != null && current.inputDone) {
            pending.add(msg);
            if (!pipelinePause) {
                pipelinePause = true;
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        route(msg);
    }

    private void route(Object msg) {
        if (current != null) {
            if (msg instanceof HttpContent) {
                HttpContent part = (HttpContent) msg;
                Exchange e = current;
                if (part instanceof LastHttpContent) {
                    e.inputDone = true;
                }
                if (e.upload != null) {
                    e.upload.content(part);
                } else {
                    part.release();
                }
                if (e.inputDone) {
                    maybeFinish(e);
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        } else if (msg instanceof HttpRequest) {
            start((HttpRequest) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(HttpRequest request) {
        Exchange e = new Exchange(request);
        current = e;
        boolean failed = request.decoderResult().isFailure();
        if (request instanceof LastHttpContent) {
            e.inputDone = true;
            ReferenceCountUtil.release(request);
        }
        if (failed) {
            error(e, HttpResponseStatus.BAD_REQUEST, true);
            return;
        }
        RequestPath path;
        try {
            path = RequestPath.parse(e.uri);
        } catch (RequestPath.InvalidPathException ex) {
            error(e, ex.status(), false);
            return;
        }
        if (!files.dir.visibility().isServed(path.segments())) {
            error(e, HttpResponseStatus.NOT_FOUND, false);
            return;
        }
        switch (e.method) {
            case "GET":
            case "HEAD":
                gets.get(e, path);
                break;
            case "PUT":
                if (files.readOnly) {
                    methodNotAllowed(e);
                } else {
                    put(e, path, request);
                }
                break;
            default:
                methodNotAllowed(e);
        }
    }

    private void methodNotAllowed(Exchange e) {
        FullHttpResponse r = Responses.text(HttpResponseStatus.METHOD_NOT_ALLOWED);
        r.headers().set(HttpHeaderNames.ALLOW, files.readOnly ? "GET, HEAD" : "GET, HEAD, PUT");
        // A body still arriving is read and dropped, unless the client waits for 100-continue (then we close).
        send(e, r, false);
    }

    private void put(Exchange e, RequestPath path, HttpRequest request) {
        long declared = HttpUtil.getContentLength(request, -1L);
        if (files.maxUploadBytes > 0 && declared > files.maxUploadBytes) {
            // Not read: close after answering (unless it has all arrived already).
            error(e, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, !e.inputDone);
            return;
        }
        Upload u = new Upload(ctx, files, path, e.expectContinue);
        e.upload = u;
        u.start().addListener((Future<Upload> f) -> {
            if (f.isSuccess()) {
                HttpResponseStatus s = u.replaced() ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.CREATED;
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s);
                if (s == HttpResponseStatus.CREATED) {
                    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                }
                sendLogging(e, r, u.bytes(), false);
            } else {
                Throwable cause = f.cause();
                HttpResponseStatus s = cause instanceof NoSuchFileException ? HttpResponseStatus.CONFLICT
                        : Responses.statusFor(cause);
                if (s == HttpResponseStatus.INSUFFICIENT_STORAGE) {
                    // Handled (the temporary file is gone, the target untouched): one line, no stack.
                    logger.warn("PUT {}: 507, the file system is full: {}", path, cause.toString());
                }
                // Unless the rest of the body can still be read and dropped, close after answering.
                error(e, s, !u.inputEnded() && (e.expectContinue || s == HttpResponseStatus.INTERNAL_SERVER_ERROR
                        || s == HttpResponseStatus.BAD_REQUEST || s == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE));
            }
        });
        if (e.inputDone) {
            // A FullHttpRequest: no body parts follow; an empty body ends now.
            u.content(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /** Answers {@code e} with the text response of {@code status} (no body for a {@code HEAD}). */
    void error(Exchange e, HttpResponseStatus status, boolean close) {
        FullHttpResponse r = Responses.text(status);
        if (e.isHead()) {
            r.content().clear();
        }
        send(e, r, close);
    }

    /** Answers {@code e} with {@code r} (closing the connection after it if {@code close}). */
    void send(Exchange e, FullHttpResponse r, boolean close) {
        sendLogging(e, r, r.content().readableBytes(), close);
    }

    private void sendLogging(Exchange e, FullHttpResponse r, long loggedBytes, boolean close) {
        int status = r.status().code();
        // A body still arriving that we won't read: close (a 100-continue client may never send it).
        if (close || !e.inputDone && e.expectContinue && e.upload == null) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            close = true;
        }
        boolean closing = close;
        ctx.writeAndFlush(r).addListener((ChannelFuture f) -> {
            if (closing) {
                f.channel().close();
            }
            done(e, status, loggedBytes, !f.isSuccess());
        });
    }

    /** The response to {@code e} is written (or broke off): log it and go on with the next request. */
    void done(Exchange e, int status, long bytes, boolean aborted) {
        files.log.log(ctx.channel().remoteAddress(), e.method, e.uri, status, bytes, e.startNanos, aborted);
        e.responseDone = true;
        maybeFinish(e);
    }

    private void maybeFinish(Exchange e) {
        if (current != e || !e.responseDone || !e.inputDone) {
            return;
        }
        current = null;
        while (!pending.isEmpty() && (current == null || !current.inputDone)) {
            route(pending.poll());
        }
        if (pending.isEmpty() && pipelinePause) {
            pipelinePause = false;
            if (ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        while (!pending.isEmpty()) {
            ReferenceCountUtil.release(pending.poll());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            logger.warn("closing {}: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The request deadlines and header caps of {@link HttpServerLimits} on one HTTP/1.1 connection; added by
 * {@link HttpServerLimits#addHandlers}, right after the {@code HttpServerCodec}, with a companion before the codec
 * that sees the request bytes. One per channel (not sharable); everything runs on the channel's event loop, with
 * one timer at a time.
 * <ul>
 * <li><b>Head deadline</b> ({@code client_header_timeout}): runs from the connection's start, or from the first byte
 *     of a later request, until the request head is decoded. Bytes arriving don't extend it, so a client sending
 *     a header byte every few seconds is closed at the deadline. On expiry, {@code 408 Request Timeout} with
 *     {@code Connection: close} if some of the head arrived and no response is in progress, then the connection
 *     is closed (a TLS handshake that never ends included). Not counted while reading is paused.</li>
 * <li><b>Keep-alive timeout</b> ({@code keepalive_timeout}): runs once the last response is written and the last
 *     request read, until the next request's first byte; on expiry the connection is closed without a word.</li>
 * <li><b>Body deadline</b> ({@code client_body_timeout}): the longest gap between two reads while a request body
 *     is arriving; not counted while reading is paused ({@code autoRead} off, e.g. for upload back-pressure). On
 *     expiry {@code 408} and close if the request's response hasn't started, else just close.</li>
 * <li><b>Header caps</b>: a request line longer than the codec's limit gets {@code 414 URI Too Long}, header
 *     fields larger than its limit or more than {@link HttpServerLimits#maxHeaderCount()} of them get
 *     {@code 431 Request Header Fields Too Large}; the request is not passed on, and the connection is closed
 *     once the answer is written (after the answers to earlier pipelined requests). Other decoder failures are
 *     passed on for the application to answer ({@code 400}).</li>
 * </ul>
 * While it waits for the server's answer to a request (head and body read, response not yet written) no deadline
 * runs: a stalled response is the server's business (e.g. an {@code IdleStateHandler} on the write side).
 *
 * <p>It is critical that the codec is the one named in {@link HttpServerLimits#addHandlers} and that nothing
 * between the codec and this guard consumes requests or writes responses past it: the guard counts requests in
 * and final responses out ({@code 1xx} don't count) to know which deadline applies.
 */
public final class HttpRequestGuard extends ChannelDuplexHandler {
    private enum Deadline { NONE, HEAD, BODY, KEEP_ALIVE }

    private final HttpServerLimits limits;
    private ChannelHandlerContext ctx;
    private Deadline deadline = Deadline.NONE;
    private Future<?> timer;
    /** Bytes of the next request head have arrived (after TLS). */
    private boolean headBytes;
    /** Requests whose head was read and whose final response isn't written yet. */
    private int open;
    /** A request body is arriving. */
    private boolean readingBody;
    /** The response to the request whose body is arriving has started. */
    private boolean responding;
    /** Nanos of the last read while {@link #readingBody}. */
    private long lastReadNanos;
    /** An answer (414/431) waiting for earlier responses; the connection closes after it. */
    private HttpResponseStatus rejection;
    private boolean closing;

    HttpRequestGuard(HttpServerLimits limits) {
        this.limits = limits;
    }

    /** The companion before the codec: tells the guard when request bytes arrive. */
    ChannelHandler byteWatcher() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
                    bytesArrived();
                }
                c.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm(Deadline.HEAD, limits.headerTimeoutMillis());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (deadline == Deadline.NONE && open == 0 && !closing) {
            arm(Deadline.HEAD, limits.headerTimeoutMillis());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        closing = true;
        ctx.fireChannelInactive();
    }

    private void bytesArrived() {
        if (closing) {
            return;
        }
        if (readingBody) {
            lastReadNanos = System.nanoTime();
            return;
        }
        headBytes = true;
        if (deadline == Deadline.KEEP_ALIVE || deadline == Deadline.NONE) {
            // The first byte of the next request head (or of one pipelined behind a response in progress).
            arm(Deadline.HEAD, limits.headerTimeoutMillis());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejection != null) {
            // The rejected request's head was not passed on: neither is anything after it.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            HttpRequest request = (HttpRequest) msg;
            cancel();
            headBytes = false;
            HttpResponseStatus reject = check(request);
            if (reject != null) {
                ReferenceCountUtil.release(msg);
                reject(reject);
                return;
            }
            open++;
            responding = false;
            if (!(msg instanceof LastHttpContent)) {
                readingBody = true;
                lastReadNanos = System.nanoTime();
                arm(Deadline.BODY, limits.bodyTimeoutMillis());
            }
        } else if (msg instanceof LastHttpContent && readingBody) {
            readingBody = false;
            cancel();
            if (open == 0) {
                arm(Deadline.KEEP_ALIVE, limits.keepAliveTimeoutMillis());
            }
        } else if (msg instanceof HttpContent && readingBody) {
            lastReadNanos = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    private HttpResponseStatus check(HttpRequest request) {
        DecoderResult r = request.decoderResult();
        if (r.isFailure()) {
            if (r.cause() instanceof TooLongHttpLineException) {
                return HttpResponseStatus.REQUEST_URI_TOO_LONG;
            }
            if (r.cause() instanceof TooLongHttpHeaderException) {
                return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            }
            return null;
        }
        int max = limits.maxHeaderCount();
        if (max > 0 && request.headers().size() > max) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return null;
    }

    private void reject(HttpResponseStatus status) {
        rejection = status;
        readingBody = false;
        cancel();
        if (open == 0) {
            answerAndClose(status);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse
                && ((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!informational) {
            if (msg instanceof HttpResponse && readingBody && open == 1) {
                responding = true;
            }
            if (msg instanceof LastHttpContent) {
                promise = promise.unvoid();
                promise.addListener(f -> responseWritten());
            }
        }
        ctx.write(msg, promise);
    }

    private void responseWritten() {
        if (open > 0) {
            open--;
        }
        if (open > 0 || closing) {
            return;
        }
        if (rejection != null) {
            answerAndClose(rejection);
        } else if (!readingBody && deadline == Deadline.NONE && ctx.channel().isActive()) {
            arm(Deadline.KEEP_ALIVE, limits.keepAliveTimeoutMillis());
        }
    }

    private void arm(Deadline d, long millis) {
        cancel();
        if (millis <= 0) {
            return;
        }
        deadline = d;
        timer = ctx.executor().schedule(this::expired, millis, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        deadline = Deadline.NONE;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        Deadline d = deadline;
        timer = null;
        if (closing || d == Deadline.NONE) {
            return;
        }
        long now = System.nanoTime();
        if (d != Deadline.KEEP_ALIVE && !ctx.channel().config().isAutoRead()) {
            // Reading is paused by the server (back-pressure, pipelining): not the client's delay. Wait again.
            lastReadNanos = now;
            long again = d == Deadline.BODY ? limits.bodyTimeoutMillis() : limits.headerTimeoutMillis();
            timer = ctx.executor().schedule(this::expired, again, TimeUnit.MILLISECONDS);
            return;
        }
        if (d == Deadline.BODY) {
            long left = lastReadNanos + TimeUnit.MILLISECONDS.toNanos(limits.bodyTimeoutMillis()) - now;
            if (left > 0) {
                timer = ctx.executor().schedule(this::expired, left, TimeUnit.NANOSECONDS);
                return;
            }
        }
        deadline = Deadline.NONE;
        switch (d) {
            case HEAD:
                // Nothing sent (a TLS handshake that never ended, say): nothing to answer.
                if (open == 0 && headBytes) {
                    answerAndClose(HttpResponseStatus.REQUEST_TIMEOUT);
                } else {
                    close();
                }
                break;
            case BODY:
                if (open == 1 && !responding) {
                    answerAndClose(HttpResponseStatus.REQUEST_TIMEOUT);
                } else {
                    close();
                }
                break;
            default:
                close();
        }
    }

    private void close() {
        closing = true;
        cancel();
        ctx.close();
    }

    private void answerAndClose(HttpResponseStatus status) {
        closing = true;
        cancel();
        ByteBuf body = Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.DATE, HttpDates.now());
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}

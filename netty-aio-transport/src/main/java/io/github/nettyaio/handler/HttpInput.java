/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioFile;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The HTTP adapter of {@link AioFileWriteHandler}, and its only user of netty-codec-http: feeds the content of each
 * {@link HttpContent} to the {@link AioFileWriter}, passes on the head of a full request or response, ends the
 * input at {@link LastHttpContent}, and fails a body cut short before it with a
 * {@link PrematureChannelClosureException}.
 *
 * <p>Used on the channel's event loop only; content whose {@link DecoderResult} is a failure fails the writer with
 * its cause. It is critical that this class is loaded only when netty-codec-http is on the class path (see
 * {@link AioFileWriteHandler}): without it, its linking fails with a {@link NoClassDefFoundError}.
 */
final class HttpInput implements AioFileWriter.EndCheck {
    private final AioFileWriter writer;
    /** The LastHttpContent was seen. */
    private boolean last;

    /** An adapter that feeds {@code writer}, and checks at its end that the body was whole. */
    HttpInput(AioFileWriter writer) {
        this.writer = writer;
        writer.endCheck(this);
    }

    /** Whether {@code msg} is HTTP content (netty-codec-http must be present). */
    static boolean isContent(Object msg) {
        return msg instanceof HttpContent;
    }

    /** Takes one {@link HttpContent}: passes its head on through {@code ctx} if it has one, writes its content. */
    void read(ChannelHandlerContext ctx, Object msg) {
        Object head = head(msg);
        if (head != null) {
            ctx.fireChannelRead(head);
        }
        HttpContent content = (HttpContent) msg;
        DecoderResult result = content.decoderResult();
        if (result.isFailure()) {
            ReferenceCountUtil.release(msg);
            writer.fail(result.cause());
            return;
        }
        writer.write(msg, content.content());
        if (msg instanceof LastHttpContent) {
            last = true;
            writer.endInput();
        }
    }

    @Override
    public Throwable check(long written, AioFile file) {
        return last ? null : new PrematureChannelClosureException("the HTTP body ended without its LastHttpContent "
                + "after " + written + " bytes (written and synced to " + file + ")");
    }

    /**
     * The request or response line and headers of a message that is also content (a full request or response),
     * without its content; null for content that is no message.
     */
    private static Object head(Object msg) {
        if (msg instanceof HttpRequest) {
            HttpRequest request = (HttpRequest) msg;
            return new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                    request.headers());
        }
        if (msg instanceof HttpResponse) {
            HttpResponse response = (HttpResponse) msg;
            return new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers());
        }
        return null;
    }
}

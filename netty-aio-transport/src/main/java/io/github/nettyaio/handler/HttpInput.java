/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Every use of netty-codec-http by {@link AioFileWriteHandler}, which is optional: the handler calls these only
 * when {@link #PRESENT} (else no inbound message can be an {@link HttpContent}).
 */
final class HttpInput {
    /** Whether netty-codec-http is on the class path. */
    static final boolean PRESENT = present();

    private HttpInput() {
    }

    private static boolean present() {
        try {
            Class.forName("io.netty.handler.codec.http.HttpContent", false, HttpInput.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static boolean isContent(Object msg) {
        return PRESENT && msg instanceof HttpContent;
    }

    static boolean isLast(Object msg) {
        return msg instanceof LastHttpContent;
    }

    static ByteBuf content(Object msg) {
        return ((HttpContent) msg).content();
    }

    /**
     * The request or response line and headers of a message that is also content (a full request or response),
     * without its content; null for content that is no message.
     */
    static Object head(Object msg) {
        if (msg instanceof HttpRequest) {
            HttpRequest r = (HttpRequest) msg;
            return new DefaultHttpRequest(r.protocolVersion(), r.method(), r.uri(), r.headers());
        }
        if (msg instanceof HttpResponse) {
            HttpResponse r = (HttpResponse) msg;
            return new DefaultHttpResponse(r.protocolVersion(), r.status(), r.headers());
        }
        return null;
    }
}

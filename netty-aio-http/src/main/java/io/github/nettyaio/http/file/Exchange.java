/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The request an {@link HttpFileHandler} is answering: what the response needs of it, and how far the request's
 * body and the response have got. Confined to the channel's event loop.
 */
final class Exchange {
    final String method;
    final String uri;
    final HttpHeaders headers;
    final boolean expectContinue;
    final long startNanos = System.nanoTime();
    /** The request's last body part has arrived. */
    boolean inputDone;
    /** The response has been written (or broke off). */
    boolean responseDone;
    /** The body's way to disk, for a {@code PUT}; else null. */
    Upload upload;

    Exchange(HttpRequest request) {
        method = request.method().name();
        uri = request.uri();
        headers = request.headers();
        expectContinue = HttpUtil.is100ContinueExpected(request);
    }

    /** Whether the request is a {@code HEAD} (a response without body). */
    boolean isHead() {
        return method.equals("HEAD");
    }
}

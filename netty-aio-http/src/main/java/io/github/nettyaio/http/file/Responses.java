/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The statuses failures are answered with, and the short text responses that carry them. Pure computation: any
 * thread.
 */
final class Responses {
    private Responses() {
    }

    /**
     * The status for a failed disk task: {@code 507} for a full file system, {@code 404} for a name too long or
     * missing, {@code 413} for an upload too large, {@code 403} for a refused path, else {@code 500}.
     */
    static HttpResponseStatus statusFor(Throwable cause) {
        if (DiskErrors.isOutOfSpace(cause)) {
            return HttpResponseStatus.INSUFFICIENT_STORAGE;
        }
        if (DiskErrors.isNameTooLong(cause)) {
            return HttpResponseStatus.NOT_FOUND; // ENAMETOOLONG: no file has that name
        }
        if (cause instanceof Upload.TooLargeException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        if (cause instanceof NoSuchFileException || cause instanceof NotDirectoryException) {
            return HttpResponseStatus.NOT_FOUND;
        }
        if (cause instanceof AccessDeniedException) {
            return HttpResponseStatus.FORBIDDEN;
        }
        return HttpResponseStatus.INTERNAL_SERVER_ERROR;
    }

    /** A response whose body is the status line's text, with its type and length. */
    static FullHttpResponse text(HttpResponseStatus status) {
        ByteBuf body = Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }
}

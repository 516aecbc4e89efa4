/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.handler.ChunkedAioFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Map;

/**
 * Answers the {@code GET}s and {@code HEAD}s of one connection for its {@link HttpFileHandler}: finds what the
 * path names on the {@link DiskExecutor} (a file opened and checked, a listing made, or a redirect to the
 * directory form), then sends it from the event loop: {@code 304}/{@code 412} when the request's preconditions
 * say so ({@link Validators}), else the file (or the one {@link ByteRange} asked for, or {@code 416}) through
 * {@code ChunkedWriteHandler}, with {@code ETag} and {@code Last-Modified}; a listing as HTML ({@code 403} when
 * listings are off).
 * Confined to the channel's event loop; failures are answered with {@link Responses#statusFor}.
 */
final class FileGet {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("md", "text/plain; charset=utf-8"),
            Map.entry("css", "text/css"), Map.entry("js", "text/javascript"),
            Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"));

    private final HttpFileHandler handler;
    private final ChannelHandlerContext ctx;
    private final FileService files;

    /** What a GET names, found on the disk pool. */
    private static final class Found {
        FileBodies.Opened file;
        Validators validators;
        String listing;
        boolean redirect;
    }

    FileGet(HttpFileHandler handler, ChannelHandlerContext ctx, FileService files) {
        this.handler = handler;
        this.ctx = ctx;
        this.files = files;
    }

    /** Answers {@code e}, a {@code GET} or {@code HEAD} of {@code path}. */
    void get(Exchange e, RequestPath path) {
        IoEventLoop loop = (IoEventLoop) ctx.channel().eventLoop();
        files.disk.submit(ctx.executor(), () -> {
            Path real = files.dir.resolveExisting(path);
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            Found f = new Found();
            if (a.isDirectory()) {
                if (!path.isDirectoryForm()) {
                    f.redirect = true;
                } else if (files.listings) {
                    f.listing = DirectoryListing.html(path, files.dir.list(real));
                } else {
                    throw new AccessDeniedException(path.toString(), null, "directory listings are off");
                }
            } else if (a.isRegularFile()) {
                if (path.isDirectoryForm()) {
                    throw new NotDirectoryException(path.toString());
                }
                f.validators = Validators.of(real, a);
                // Refuse a file swapped between the checks above and the open (a link out, another file).
                f.file = files.bodies.open(real, loop, fd -> files.dir.verifyOpened(fd, a, path));
            } else {
                throw new AccessDeniedException(path.toString(), null, "not a regular file");
            }
            return f;
        }, found -> {
            if (found.file != null) {
                found.file.close(); // the loop is gone: close what it can't take
            }
        }).addListener((Future<Found> f) -> found(e, path, f));
    }

    private void found(Exchange e, RequestPath path, Future<Found> f) {
        if (!f.isSuccess()) {
            handler.error(e, Responses.statusFor(f.cause()), false);
            return;
        }
        Found found = f.getNow();
        if (!ctx.channel().isActive()) {
            if (found.file != null) {
                found.file.close();
            }
            handler.done(e, HttpResponseStatus.OK.code(), 0, true);
            return;
        }
        if (found.redirect) {
            FullHttpResponse r = Responses.text(HttpResponseStatus.MOVED_PERMANENTLY);
            r.headers().set(HttpHeaderNames.LOCATION, path.encoded() + "/");
            handler.send(e, r, false);
        } else if (found.listing != null) {
            byte[] html = found.listing.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    e.isHead() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(html));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, html.length);
            handler.send(e, r, false);
        } else {
            sendFile(e, path, found.file, found.validators);
        }
    }

    private void sendFile(Exchange e, RequestPath path, FileBodies.Opened file, Validators validators) {
        long size = file.size();
        HttpResponseStatus precondition = validators.evaluate(e.headers);
        if (precondition != null) {
            file.close();
            // 304 and 412 carry no body; a 304's length is the one a 200 would have had.
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, precondition);
            r.headers().set(HttpHeaderNames.ETAG, validators.etag())
                    .set(HttpHeaderNames.LAST_MODIFIED, validators.lastModified())
                    .set(HttpHeaderNames.CONTENT_LENGTH, precondition == HttpResponseStatus.NOT_MODIFIED ? size : 0);
            handler.send(e, r, false);
            return;
        }
        String rangeHeader = e.headers.get(HttpHeaderNames.RANGE);
        String ifRange = e.headers.get(HttpHeaderNames.IF_RANGE);
        if (ifRange != null && !validators.ifRangeHolds(ifRange)) {
            rangeHeader = null; // the client's copy is stale: send it all
        }
        ByteRange range = ByteRange.parse(rangeHeader, size);
        if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
            file.close();
            FullHttpResponse r = Responses.text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange());
            handler.send(e, r, false);
            return;
        }
        boolean partial = range.kind() == ByteRange.Kind.PARTIAL;
        HttpResponseStatus status = partial ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK;
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, range.length())
                .set(HttpHeaderNames.CONTENT_TYPE, contentType(path))
                .set(HttpHeaderNames.LAST_MODIFIED, validators.lastModified())
                .set(HttpHeaderNames.ETAG, validators.etag())
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        if (partial) {
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange());
        }
        if (e.isHead() || range.length() == 0) {
            ctx.write(r);
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFuture f) -> {
                file.close();
                handler.done(e, status.code(), 0, !f.isSuccess());
            });
            return;
        }
        ChunkedInput<ByteBuf> chunks;
        try {
            chunks = file.chunks(ctx.channel(), range.start(), range.length());
        } catch (IOException | RuntimeException ex) {
            file.close();
            handler.error(e, HttpResponseStatus.INTERNAL_SERVER_ERROR, false);
            return;
        }
        // The body owns the file from here: ChunkedWriteHandler closes it with the input when the transfer ends,
        // fails or is discarded, and an owning ChunkedAioFile also when the connection closes.
        HttpChunkedInput body = new HttpChunkedInput(chunks);
        if (chunks instanceof ChunkedAioFile) {
            // The headers leave with the first chunk, in one flush, once it is read (never fails; a read error
            // surfaces from the body as usual).
            ((ChunkedAioFile) chunks).prefetch().addListener(f -> writeBody(e, r, status, range, body));
        } else {
            writeBody(e, r, status, range, body);
        }
    }

    private void writeBody(Exchange e, HttpResponse r, HttpResponseStatus status, ByteRange range,
                           HttpChunkedInput body) {
        ctx.write(r);
        ctx.writeAndFlush(body).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                handler.done(e, status.code(), range.length(), false);
            } else {
                f.channel().close(); // a body broken off can't be resumed on this connection
                handler.done(e, status.code(), progress(body), true);
            }
        });
    }

    private static long progress(HttpChunkedInput body) {
        try {
            return body.progress();
        } catch (RuntimeException ex) {
            return 0;
        }
    }

    private static String contentType(RequestPath path) {
        if (path.segments().isEmpty()) {
            return "application/octet-stream";
        }
        String name = path.segments().get(path.segments().size() - 1);
        int dot = name.lastIndexOf('.');
        String t = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        return t == null ? "application/octet-stream" : t;
    }
}

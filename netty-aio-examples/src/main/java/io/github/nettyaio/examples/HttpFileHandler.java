/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.handler.ChunkedAioFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Locale;
import java.util.Map;

/**
 * Answers the requests of one connection, one at a time and in order (pipelined requests wait, with reading
 * paused): {@code GET}/{@code HEAD} of files (single byte ranges included, see {@link ByteRange}) and directory
 * listings, {@code PUT} uploads ({@link Upload}; {@code 405} when read-only, {@code 413} above the size limit),
 * {@code 403} for paths leaving the served directory, {@code 404} for hidden names ({@link Visibility}) and
 * names too long to be a file's, {@code 507} for an upload the file system has no room for,
 * {@code 405} for other methods. This handler turns {@code autoRead} off while pipelined requests wait; an
 * upload's {@code AioFileWriteHandler} holds reading itself while its file opens and its writes lag. Every disk
 * access but the body transfer runs on the {@link DiskExecutor};
 * bodies stream through {@code ChunkedWriteHandler} from {@link FileBodies}. Keep-alive is decided by the
 * {@code HttpServerKeepAliveHandler} before this handler (every response has a {@code Content-Length}).
 *
 * <p>Sits last in a pipeline of {@code [SslHandler] HttpServerCodec HttpServerKeepAliveHandler
 * ChunkedWriteHandler}; all its methods run on the channel's event loop.
 */
final class HttpFileHandler extends ChannelInboundHandlerAdapter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(HttpFileHandler.class);
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("md", "text/plain; charset=utf-8"),
            Map.entry("css", "text/css"), Map.entry("js", "text/javascript"),
            Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"));

    private final FileService files;
    /** Messages of requests after the current one (reading is paused while any wait). */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** Reading is paused ({@code autoRead} off) because pipelined requests wait in {@link #pending}. */
    private boolean pipelinePause;
    private Exchange current;

    /** The request being answered. */
    private final class Exchange {
        final String method;
        final String uri;
        final HttpHeaders headers;
        final boolean expectContinue;
        final long startNanos = System.nanoTime();
        boolean inputDone;
        boolean responseDone;
        Upload upload;

        Exchange(HttpRequest request) {
            method = request.method().name();
            uri = request.uri();
            headers = request.headers();
            expectContinue = HttpUtil.is100ContinueExpected(request);
        }
    }

    HttpFileHandler(FileService files) {
        this.files = files;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
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
                HttpContent c = (HttpContent) msg;
                Exchange e = current;
                if (c instanceof LastHttpContent) {
                    e.inputDone = true;
                }
                if (e.upload != null) {
                    e.upload.content(c);
                } else {
                    c.release();
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
                get(e, path);
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
        FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED);
        r.headers().set(HttpHeaderNames.ALLOW, files.readOnly ? "GET, HEAD" : "GET, HEAD, PUT");
        // A body still arriving is read and dropped, unless the client waits for 100-continue (then we close).
        send(e, r, false);
    }

    // ---- GET / HEAD ------------------------------------------------------------------------------------------

    /** What a GET names, found on the disk pool. */
    private static final class Found {
        FileBodies.Opened file;
        long lastModified;
        String listing;
        boolean redirect;
    }

    private void get(Exchange e, RequestPath path) {
        IoEventLoop loop = (IoEventLoop) ctx.channel().eventLoop();
        files.disk.submit(ctx.executor(), () -> {
            Path real = files.dir.resolveExisting(path);
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            Found f = new Found();
            if (a.isDirectory()) {
                if (path.isDirectoryForm()) {
                    f.listing = DirectoryListing.html(path, files.dir.list(real));
                } else {
                    f.redirect = true;
                }
            } else if (a.isRegularFile()) {
                if (path.isDirectoryForm()) {
                    throw new NotDirectoryException(path.toString());
                }
                f.lastModified = a.lastModifiedTime().toMillis();
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
            error(e, statusFor(f.cause()), false);
            return;
        }
        Found found = f.getNow();
        if (!ctx.channel().isActive()) {
            if (found.file != null) {
                found.file.close();
            }
            done(e, HttpResponseStatus.OK.code(), 0, true);
            return;
        }
        if (found.redirect) {
            FullHttpResponse r = text(HttpResponseStatus.MOVED_PERMANENTLY);
            r.headers().set(HttpHeaderNames.LOCATION, path.encoded() + "/");
            send(e, r, false);
        } else if (found.listing != null) {
            byte[] html = found.listing.getBytes(StandardCharsets.UTF_8);
            boolean head = e.method.equals("HEAD");
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(html));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, html.length);
            send(e, r, false);
        } else {
            sendFile(e, path, found.file, found.lastModified);
        }
    }

    private void sendFile(Exchange e, RequestPath path, FileBodies.Opened file, long lastModifiedMillis) {
        long size = file.size();
        String lastModified = DateFormatter.format(new Date(lastModifiedMillis));
        String rangeHeader = e.headers.get(HttpHeaderNames.RANGE);
        String ifRange = e.headers.get(HttpHeaderNames.IF_RANGE);
        if (ifRange != null && !ifRange.trim().equals(lastModified)) {
            rangeHeader = null; // the client's copy is stale: send it all
        }
        ByteRange range = ByteRange.parse(rangeHeader, size);
        if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
            file.close();
            FullHttpResponse r = text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange());
            send(e, r, false);
            return;
        }
        boolean partial = range.kind() == ByteRange.Kind.PARTIAL;
        HttpResponseStatus status = partial ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK;
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, range.length())
                .set(HttpHeaderNames.CONTENT_TYPE, contentType(path))
                .set(HttpHeaderNames.LAST_MODIFIED, lastModified)
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        if (partial) {
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, range.contentRange());
        }
        if (e.method.equals("HEAD") || range.length() == 0) {
            ctx.write(r);
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFuture f) -> {
                file.close();
                done(e, status.code(), 0, !f.isSuccess());
            });
            return;
        }
        ChunkedInput<ByteBuf> chunks;
        try {
            chunks = file.chunks(ctx.channel(), range.start(), range.length());
        } catch (IOException | RuntimeException ex) {
            file.close();
            error(e, HttpResponseStatus.INTERNAL_SERVER_ERROR, false);
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
                done(e, status.code(), range.length(), false);
            } else {
                f.channel().close(); // a body broken off can't be resumed on this connection
                done(e, status.code(), progress(body), true);
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

    // ---- PUT -------------------------------------------------------------------------------------------------

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
                        : statusFor(cause);
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

    // ---- responses -------------------------------------------------------------------------------------------

    private static HttpResponseStatus statusFor(Throwable cause) {
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

    private static FullHttpResponse text(HttpResponseStatus status) {
        ByteBuf body = Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    private void error(Exchange e, HttpResponseStatus status, boolean close) {
        FullHttpResponse r = text(status);
        if (e.method.equals("HEAD")) {
            r.content().clear();
        }
        send(e, r, close);
    }

    private void send(Exchange e, FullHttpResponse r, boolean close) {
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
    private void done(Exchange e, int status, long bytes, boolean aborted) {
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
            System.err.println("HttpFileServer: closing " + ctx.channel() + ": " + cause);
        }
        ctx.close();
    }
}

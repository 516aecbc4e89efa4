/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.AioFileWriteHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@code PUT} body on its way to disk: stored by an {@link AioFileWriteHandler}, added as soon as the request
 * is seen (it holds the body's parts while the file is being opened, and keeps its own backpressure), into a
 * temporary file beside the target ({@code .name.<random>.upload}, or {@code .<random>.upload} for a long name:
 * {@link UploadNames}; never served: see {@link Visibility}), which is
 * renamed over the target only once the whole body has arrived and been synced, and the directory synced after the
 * rename ({@link ServedDirectory#moveIntoPlace}) — so a broken upload never leaves a half-written file under the
 * requested name, readers see the old file or the new one, and an acknowledged upload survives a crash. A body
 * growing past the configured limit is cut off with {@link TooLargeException} (its temporary file deleted first).
 *
 * <p>Confined to the channel's event loop. Resolving the target, creating and opening the temporary file, renaming
 * and deleting run on the {@link DiskExecutor}.
 */
final class Upload {
    private static final String WRITER_NAME = "upload-writer";
    private static final String ANSWERED_NAME = "upload-failures";

    /** The body is larger than the server accepts ({@code 413}). */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    /** What the disk pool opened for an upload. */
    private static final class Opened {
        final Path target;
        final Path temp;
        final AioFile file;
        final boolean existed;

        Opened(Path target, Path temp, AioFile file, boolean existed) {
            this.target = target;
            this.temp = temp;
            this.file = file;
            this.existed = existed;
        }
    }

    /** After the writer: its failures are answered from its completion, not left to the pipeline's tail. */
    @ChannelHandler.Sharable
    private static final class Answered extends ChannelInboundHandlerAdapter {
        static final Answered INSTANCE = new Answered();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        }
    }

    private final ChannelHandlerContext ctx;
    private final FileService files;
    private final RequestPath path;
    private final boolean expectContinue;
    private final Promise<Upload> result;
    private AioFileWriteHandler writer;
    private Path target;
    private Path temp;
    private boolean existed;
    private boolean sawLast;
    /** Why the upload was cut off by us (answered instead of whatever the writer reports then), or null. */
    private Throwable abortCause;
    /** Body bytes received (for the size limit). */
    private long received;
    private long bytes;

    Upload(ChannelHandlerContext ctx, FileService files, RequestPath path, boolean expectContinue) {
        this.ctx = ctx;
        this.files = files;
        this.path = path;
        this.expectContinue = expectContinue;
        this.result = ctx.executor().newPromise();
    }

    /**
     * Starts: resolves the target and opens the temporary file on the disk pool, while the body's parts go to the
     * write handler, placed right after the {@link HttpFileHandler}.
     *
     * @return a future (of the channel's loop) that succeeds once the body is on disk under the target's name
     *         and the rename is synced, or fails with the reason ({@link java.nio.file.AccessDeniedException}: 403,
     *         {@link java.nio.file.NoSuchFileException}: the parent is missing, {@link TooLargeException}: 413,
     *         else an {@link IOException}); on failure the temporary file is gone already
     */
    Future<Upload> start() {
        // Completed on the loop, or on the disk thread if the loop is gone (the writer then lets go of the body).
        Promise<AioFile> file = ImmediateEventExecutor.INSTANCE.newPromise();
        // The upload itself: holds the body until the file is open, writes it with backpressure, closes the file.
        writer = AioFileWriteHandler.of(file);
        ctx.pipeline().addAfter(ctx.name(), WRITER_NAME, writer)
                .addAfter(WRITER_NAME, ANSWERED_NAME, Answered.INSTANCE);
        writer.completion().addListener((Future<Long> w) -> {
            if (ctx.executor().inEventLoop()) {
                written(w);
                return;
            }
            try {
                ctx.executor().execute(() -> written(w));
            } catch (RejectedExecutionException gone) {
                deleteTemp(); // nobody to answer; the writer has closed the file
            }
        });
        IoEventLoop loop = (IoEventLoop) ctx.channel().eventLoop();
        files.disk.submit(ctx.executor(), () -> {
            Path t = files.dir.resolveForWrite(path);
            boolean ex = Files.exists(t);
            Path tmp = UploadNames.createTemp(t);
            try {
                return new Opened(t, tmp, AioFile.open(loop, tmp, files.engine, StandardOpenOption.WRITE), ex);
            } catch (Throwable e) { // an Error too (a missing native library): never leave the file behind
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException | RuntimeException deleting) {
                    e.addSuppressed(deleting);
                }
                throw e;
            }
        }, o -> {
            orphaned(o);
            file.tryFailure(new IOException("the event loop shut down while " + o.temp + " was being opened"));
        }).addListener((Future<Opened> f) -> opened(f, file));
        return result;
    }

    /** The loop shut down before it could take the opened file: close and delete it (on the disk thread). */
    private static void orphaned(Opened o) {
        o.file.closeAsync();
        try {
            Files.deleteIfExists(o.temp);
        } catch (IOException ignored) {
            // left behind: hidden (never served) and recognisable by its name
        }
    }

    private void opened(Future<Opened> f, Promise<AioFile> file) {
        if (!f.isSuccess()) {
            file.tryFailure(f.cause());
            return;
        }
        Opened o = f.getNow();
        target = o.target;
        temp = o.temp;
        existed = o.existed;
        if (expectContinue && !sawLast && abortCause == null && ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        file.setSuccess(o.file); // the writer's from now on
    }

    /** A part of the body (taken over: released here or by the write handler). */
    void content(HttpContent c) {
        if (c instanceof LastHttpContent) {
            sawLast = true;
        }
        if (abortCause != null || ctx.pipeline().context(writer) == null) {
            ReferenceCountUtil.release(c);
            return;
        }
        if (c.decoderResult().isFailure()) {
            ReferenceCountUtil.release(c);
            abort(new IOException("malformed request body", c.decoderResult().cause()));
            return;
        }
        received += c.content().readableBytes();
        if (files.maxUploadBytes > 0 && received > files.maxUploadBytes) {
            ReferenceCountUtil.release(c);
            abort(new TooLargeException("the body of " + path + " exceeds " + files.maxUploadBytes + " bytes"));
            return;
        }
        ctx.fireChannelRead(c); // to the writer
    }

    /** Cuts the upload off: the writer is removed (its completion then fails, and written() discards). */
    private void abort(Throwable cause) {
        abortCause = cause;
        removeWriter();
    }

    private void removeWriter() {
        if (ctx.pipeline().context(writer) != null) {
            ctx.pipeline().remove(writer);
        }
        if (ctx.pipeline().get(ANSWERED_NAME) != null) {
            ctx.pipeline().remove(ANSWERED_NAME);
        }
    }

    /** The writer is done and has closed the file: rename it into place, or delete it. */
    private void written(Future<Long> w) {
        removeWriter();
        Throwable cause = abortCause != null ? abortCause : !w.isSuccess() ? w.cause()
                : !sawLast ? new IOException("the connection closed before the whole body arrived") : null;
        if (cause != null) {
            deleteTemp().addListener(deleted -> result.tryFailure(cause));
            return;
        }
        bytes = w.getNow();
        files.disk.submit(ctx.executor(), () -> {
            files.dir.moveIntoPlace(temp, target);
            return null;
        }).addListener(moved -> {
            if (moved.isSuccess()) {
                result.trySuccess(this);
            } else {
                deleteTemp().addListener(deleted -> result.tryFailure(moved.cause()));
            }
        });
    }

    private Future<?> deleteTemp() {
        Path t = temp;
        if (t == null) {
            return ctx.executor().newSucceededFuture(null);
        }
        return files.disk.submit(ctx.executor(), () -> Files.deleteIfExists(t));
    }

    /** Whether the target existed before (answer {@code 204}) or was created ({@code 201}). */
    boolean replaced() {
        return existed;
    }

    /** The bytes written. */
    long bytes() {
        return bytes;
    }

    /** Whether the request's last body part has arrived. */
    boolean inputEnded() {
        return sawLast;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.AioFileWriteHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;

/**
 * One {@code PUT} body on its way to disk: written through an {@link AioFileWriteHandler} into a temporary file
 * beside the target ({@code .name.<random>.upload}, never served: see {@link Visibility}), which is renamed over
 * the target only once the whole body has arrived and been synced, and the directory synced after the rename
 * ({@link ServedDirectory#moveIntoPlace}) — so a broken upload never leaves a half-written file under the
 * requested name, readers see the old file or the new one, and an acknowledged upload survives a crash. A body
 * growing past the configured limit is cut off with {@link TooLargeException} (its temporary file deleted first).
 *
 * <p>Confined to the channel's event loop. Opening, renaming and deleting run on the {@link DiskExecutor}.
 * Reading is paused (through the connection's {@link ReadPauses}, the only owner of {@code autoRead}) while the
 * file is being opened, with the parts that arrived meanwhile held and replayed into the write handler once it
 * is in the pipeline, and while more than {@link AioFileWriteHandler#DEFAULT_WATER_MARK}'s high mark of bytes
 * are handed to the write handler and not yet written (until they fall below the low mark). The write handler
 * is added while reading is paused, so it never touches {@code autoRead} itself.
 */
final class Upload {
    private static final String WRITER_NAME = "upload-writer";
    private static final WriteBufferWaterMark WATER_MARK = AioFileWriteHandler.DEFAULT_WATER_MARK;

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

    private final ChannelHandlerContext ctx;
    private final FileService files;
    private final ReadPauses reads;
    private final RequestPath path;
    private final boolean expectContinue;
    private final Promise<Upload> result;
    private final ArrayDeque<HttpContent> held = new ArrayDeque<>();
    private AioFileWriteHandler writer;
    private AioFile file;
    private Path target;
    private Path temp;
    private boolean existed;
    private boolean sawLast;
    private boolean failed;
    /** Why the upload was cut off by us (answered instead of whatever the writer reports then), or null. */
    private Throwable abortCause;
    private boolean openingPause;
    private boolean backpressurePause;
    /** Body bytes received (for the size limit). */
    private long received;
    /** Body bytes handed to the write handler and not yet released by it (written or dropped). */
    private long inFlight;
    private long bytes;

    Upload(ChannelHandlerContext ctx, FileService files, ReadPauses reads, RequestPath path, boolean expectContinue) {
        this.ctx = ctx;
        this.files = files;
        this.reads = reads;
        this.path = path;
        this.expectContinue = expectContinue;
        this.result = ctx.executor().newPromise();
    }

    /**
     * Starts: resolves the target and opens the temporary file on the disk pool.
     *
     * @return a future (of the channel's loop) that succeeds once the body is on disk under the target's name
     *         and the rename is synced, or fails with the reason ({@link java.nio.file.AccessDeniedException}: 403,
     *         {@link java.nio.file.NoSuchFileException}: the parent is missing, {@link TooLargeException}: 413,
     *         else an {@link IOException}); on failure the temporary file is gone already
     */
    Future<Upload> start() {
        openingPause = true;
        reads.pause();
        IoEventLoop loop = (IoEventLoop) ctx.channel().eventLoop();
        files.disk.submit(ctx.executor(), () -> {
            Path t = files.dir.resolveForWrite(path);
            boolean ex = Files.exists(t);
            Path tmp = Files.createTempFile(t.getParent(), Visibility.uploadPrefix(t.getFileName().toString()),
                    Visibility.UPLOAD_SUFFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            try {
                return new Opened(t, tmp, AioFile.open(loop, tmp, files.engine, StandardOpenOption.WRITE), ex);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        }, Upload::orphaned).addListener((Future<Opened> f) -> opened(f));
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

    private void opened(Future<Opened> f) {
        if (!f.isSuccess()) {
            fail(abortCause != null ? abortCause : f.cause());
            return;
        }
        Opened o = f.getNow();
        target = o.target;
        temp = o.temp;
        file = o.file;
        existed = o.existed;
        if (failed || !ctx.channel().isActive()) {
            discard(abortCause != null ? abortCause : new IOException("connection closed during the upload"));
            return;
        }
        if (expectContinue && !sawLast) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        // Added while reading is paused: the write handler then leaves autoRead alone (ReadPauses owns it).
        writer = new AioFileWriteHandler(file, 0);
        ctx.pipeline().addAfter(ctx.name(), WRITER_NAME, writer);
        writer.completion().addListener((Future<Long> w) -> {
            if (ctx.executor().inEventLoop()) {
                written(w);
            } else {
                ctx.executor().execute(() -> written(w));
            }
        });
        boolean any = !held.isEmpty();
        while (!held.isEmpty()) {
            forward(held.poll());
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
        endOpeningPause();
    }

    /** A part of the body (taken over: released here or by the write handler). */
    void content(HttpContent c) {
        if (c instanceof LastHttpContent) {
            sawLast = true;
        }
        if (c.decoderResult().isFailure()) {
            ReferenceCountUtil.release(c);
            fail(new IOException("malformed request body", c.decoderResult().cause()));
            return;
        }
        if (failed) {
            ReferenceCountUtil.release(c);
            return;
        }
        received += c.content().readableBytes();
        if (files.maxUploadBytes > 0 && received > files.maxUploadBytes) {
            ReferenceCountUtil.release(c);
            abort(new TooLargeException("the body of " + path + " exceeds " + files.maxUploadBytes + " bytes"));
        } else if (writer != null) {
            forward(c);
        } else {
            held.add(c);
        }
    }

    /** Hands {@code c} to the write handler, counting its bytes until the handler releases it. */
    private void forward(HttpContent c) {
        int n = c.content().readableBytes();
        inFlight += n;
        if (!backpressurePause && inFlight > WATER_MARK.high()) {
            backpressurePause = true;
            reads.pause();
        }
        ctx.fireChannelRead(tracked(c, n));
    }

    /**
     * {@code c}'s content in a message that reports its release by the write handler (once written, or dropped
     * on failure). The first release is counted, whether or not it frees the memory: a content sliced from the
     * decoder's buffer shares that buffer's reference count.
     */
    private HttpContent tracked(HttpContent c, int n) {
        ByteBuf content = c.content();
        Runnable onRelease = new Runnable() {
            private boolean done;

            @Override
            public void run() {
                if (!done) {
                    done = true;
                    released(n);
                }
            }
        };
        if (c instanceof LastHttpContent) {
            return new DefaultLastHttpContent(content, ((LastHttpContent) c).trailingHeaders()) {
                @Override
                public boolean release() {
                    onRelease.run();
                    return super.release();
                }

                @Override
                public boolean release(int decrement) {
                    onRelease.run();
                    return super.release(decrement);
                }
            };
        }
        return new DefaultHttpContent(content) {
            @Override
            public boolean release() {
                onRelease.run();
                return super.release();
            }

            @Override
            public boolean release(int decrement) {
                onRelease.run();
                return super.release(decrement);
            }
        };
    }

    private void released(int n) {
        if (!ctx.executor().inEventLoop()) {
            return; // released for a loop that is gone
        }
        inFlight -= n;
        if (backpressurePause && inFlight < WATER_MARK.low()) {
            endBackpressurePause();
        }
    }

    /** Cuts the upload off: the write handler (if any) is removed; the file is then closed and deleted. */
    private void abort(Throwable cause) {
        abortCause = cause;
        failed = true;
        releaseHeld();
        if (writer != null && ctx.pipeline().context(writer) != null) {
            ctx.pipeline().remove(writer); // its completion fails: written() discards
        }
        // Still opening: opened() discards.
    }

    /** The connection closed: drops held parts; the write handler (if any) sees the closure itself. */
    void channelClosed() {
        releaseHeld();
        if (writer == null && file == null) {
            failed = true; // opened() will discard
        }
    }

    private void written(Future<Long> w) {
        if (writer != null && ctx.pipeline().context(writer) != null) {
            ctx.pipeline().remove(writer);
        }
        endBackpressurePause();
        if (abortCause != null) {
            discard(abortCause);
            return;
        }
        if (!w.isSuccess()) {
            discard(w.cause());
            return;
        }
        if (failed) {
            discard(new IOException("upload abandoned"));
            return;
        }
        if (!sawLast) {
            discard(new IOException("the connection closed before the whole body arrived"));
            return;
        }
        bytes = w.getNow();
        file.closeAsync().addListener(closed -> {
            if (!closed.isSuccess()) {
                discard(closed.cause());
                return;
            }
            files.disk.submit(ctx.executor(), () -> {
                files.dir.moveIntoPlace(temp, target);
                return null;
            }).addListener(moved -> {
                if (moved.isSuccess()) {
                    result.trySuccess(this);
                } else {
                    deleteTemp().addListener(deleted -> fail(moved.cause()));
                }
            });
        });
    }

    /** Closes and deletes the temporary file, then fails with {@code cause}. */
    private void discard(Throwable cause) {
        failed = true;
        releaseHeld();
        if (file == null) {
            fail(cause);
            return;
        }
        file.closeAsync().addListener(closed -> deleteTemp().addListener(deleted -> fail(cause)));
    }

    private Future<?> deleteTemp() {
        Path t = temp;
        if (t == null) {
            return ctx.executor().newSucceededFuture(null);
        }
        return files.disk.submit(ctx.executor(), () -> Files.deleteIfExists(t));
    }

    private void fail(Throwable cause) {
        failed = true;
        releaseHeld();
        // Reading was paused for the open; the rest of the body must still be read (and dropped).
        endOpeningPause();
        endBackpressurePause();
        result.tryFailure(cause);
    }

    private void endOpeningPause() {
        if (openingPause) {
            openingPause = false;
            reads.resume();
        }
    }

    private void endBackpressurePause() {
        if (backpressurePause) {
            backpressurePause = false;
            reads.resume();
        }
    }

    private void releaseHeld() {
        while (!held.isEmpty()) {
            ReferenceCountUtil.release(held.poll());
        }
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

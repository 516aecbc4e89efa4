/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.AioFileWriteHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;

/**
 * One {@code PUT} body on its way to disk: written through an {@link AioFileWriteHandler} into a temporary file
 * beside the target, which is renamed over the target only once the whole body has arrived and been synced —
 * so a broken upload never leaves a half-written file under the requested name, and readers see the old file
 * or the new one.
 *
 * <p>Confined to the channel's event loop. Opening, renaming and deleting run on the {@link DiskExecutor}.
 * Body parts that arrive while the file is being opened are held (with {@code autoRead} off) and replayed into
 * the write handler once it is in the pipeline; from then on the write handler drives {@code autoRead}.
 */
final class Upload {
    private static final String WRITER_NAME = "upload-writer";

    private final ChannelHandlerContext ctx;
    private final FileService files;
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
    private long bytes;

    Upload(ChannelHandlerContext ctx, FileService files, RequestPath path, boolean expectContinue) {
        this.ctx = ctx;
        this.files = files;
        this.path = path;
        this.expectContinue = expectContinue;
        this.result = ctx.executor().newPromise();
    }

    /**
     * Starts: resolves the target and opens the temporary file on the disk pool.
     *
     * @return a future (of the channel's loop) that succeeds once the body is on disk under the target's name,
     *         or fails with the reason ({@link java.nio.file.AccessDeniedException}: 403,
     *         {@link java.nio.file.NoSuchFileException}: the parent is missing, else an {@link IOException})
     */
    Future<Upload> start() {
        ctx.channel().config().setAutoRead(false);
        IoEventLoop loop = (IoEventLoop) ctx.channel().eventLoop();
        files.disk.submit(ctx.executor(), () -> {
            Path t = files.dir.resolveForWrite(path);
            boolean ex = Files.exists(t);
            Path tmp = Files.createTempFile(t.getParent(), "." + t.getFileName() + ".", ".upload",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            try {
                AioFile f = AioFile.open(loop, tmp, files.engine, StandardOpenOption.WRITE);
                return new Object[] {t, tmp, f, ex};
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
        }).addListener((Future<Object[]> f) -> opened(f));
        return result;
    }

    private void opened(Future<Object[]> f) {
        if (!f.isSuccess()) {
            fail(f.cause());
            return;
        }
        Object[] o = f.getNow();
        target = (Path) o[0];
        temp = (Path) o[1];
        file = (AioFile) o[2];
        existed = (Boolean) o[3];
        if (failed || !ctx.channel().isActive()) {
            discard(new IOException("connection closed during the upload"));
            return;
        }
        if (expectContinue && !sawLast) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        // From here on the write handler owns autoRead (it pauses reading while too much is in flight); it
        // manages it only if autoRead is on when it is added.
        ctx.channel().config().setAutoRead(true);
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
            ctx.fireChannelRead(held.poll());
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
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
        } else if (writer != null) {
            ctx.fireChannelRead(c);
        } else {
            held.add(c);
        }
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
            files.disk.submit(ctx.executor(), () -> Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE)).addListener(moved -> {
                        if (moved.isSuccess()) {
                            result.trySuccess(this);
                        } else {
                            deleteTemp();
                            fail(moved.cause());
                        }
                    });
        });
    }

    /** Closes and deletes the temporary file, then fails with {@code cause}. */
    private void discard(Throwable cause) {
        if (file != null) {
            file.closeAsync().addListener(closed -> deleteTemp());
        }
        fail(cause);
    }

    private void deleteTemp() {
        Path t = temp;
        if (t != null) {
            files.disk.submit(ctx.executor(), () -> Files.deleteIfExists(t));
        }
    }

    private void fail(Throwable cause) {
        failed = true;
        releaseHeld();
        if (writer == null) {
            // Reading was paused for the open; the rest of the body must still be read (and dropped).
            ctx.channel().config().setAutoRead(true);
        }
        result.tryFailure(cause);
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

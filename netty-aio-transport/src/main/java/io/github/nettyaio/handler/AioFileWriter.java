/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.internal.LoopPromise;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The ByteBuf core of {@link AioFileWriteHandler}: writes the buffers it is given to an {@link AioFile} in order at
 * consecutive positions, one (vectored) write in flight at a time, then, once the input has ended, syncs the file
 * and hands over to {@link AioFileWriteFinish}. It knows nothing of HTTP: {@link HttpInput} feeds it content and
 * checks, through an {@link EndCheck}, that the input was whole.
 *
 * <p>All its state lives on the channel's event loop; its completions (the file's, on any loop) are moved there by
 * {@link LoopHop}. A failed open, write or sync fires {@code exceptionCaught} and fails {@link #completion()}; if the
 * channel's loop shuts down meanwhile, the end runs on the thread that completes the operation in flight. It is
 * critical that every message given to {@link #write} is released by this writer, and by nobody else.
 */
final class AioFileWriter {
    /** Checks, once the input is written and synced, that it was whole. */
    interface EndCheck {
        /** The failure of an input cut short after {@code written} bytes were written to {@code file}, else null. */
        Throwable check(long written, AioFile file);
    }

    private final long startPosition;
    /** The path the handler opens, else null (for messages only). */
    private final Path path;
    private final LoopPromise<Long> completion = new LoopPromise<>();
    private final WriteQueue queue;
    private final AioFileWriteFinish finish;

    private ChannelHandlerContext ctx;
    private EndCheck endCheck;
    /** The file: given, or once open (volatile for {@link #file()}). */
    private volatile AioFile file;
    /** Bytes written successfully. */
    private long written;
    /** Waiting for the file's future. */
    private boolean opening;
    private boolean writing;
    private boolean ended;
    private boolean syncing;
    /** Closing (if owned), deleting (if asked) and reporting: the end is under way. */
    private boolean finishing;
    private Throwable failure;

    AioFileWriter(AioFile file, long startPosition, WriteBufferWaterMark waterMark, boolean ownsFile, Path path,
                  boolean deleteOnFailure) {
        this.file = file;
        this.startPosition = startPosition;
        this.path = path;
        this.queue = new WriteQueue(waterMark);
        this.finish = new AioFileWriteFinish(completion, ownsFile, deleteOnFailure ? path : null);
    }

    Future<Long> completion() {
        return completion;
    }

    AioFile file() {
        return file;
    }

    boolean ended() {
        return ended;
    }

    boolean failed() {
        return failure != null;
    }

    /** The check run after the sync, before success is reported; set by the HTTP adapter at its first content. */
    void endCheck(EndCheck check) {
        this.endCheck = check;
    }

    /**
     * Starts, when the handler is added: binds the completion to the channel's loop and, for a {@code fileFuture}
     * (null: the file was given), holds the input until it completes.
     */
    void start(ChannelHandlerContext ctx, Future<AioFile> fileFuture) {
        this.ctx = ctx;
        completion.bind(ctx.executor());
        queue.start(ctx);
        finish.start(ctx);
        if (fileFuture != null) {
            opening = true;
            LoopHop.whenDone(fileFuture, ctx.executor(), this::opened, this::openOrphaned);
        }
    }

    private void opened(Future<AioFile> open) {
        opening = false;
        if (open.isSuccess()) {
            file = open.getNow();
        }
        if (failure != null) {
            finish(); // failed while opening: close (and delete) what opened, then report
        } else if (!open.isSuccess()) {
            fail(open.cause());
        } else if (file == null) {
            fail(new NullPointerException("the future of the file completed with null"));
        } else {
            writeNext();
        }
    }

    /** The channel's loop is gone before the file was open (runs on the thread that completed the open). */
    private void openOrphaned(Future<AioFile> open) {
        opening = false;
        if (open.isSuccess()) {
            file = open.getNow();
        }
        orphaned(new IOException("the event loop of " + ctx.channel() + " shut down while "
                + (path != null ? path : "the file") + " was being opened", open.isSuccess() ? null : open.cause()));
    }

    /** Writes {@code content}, the bytes of {@code msg}, after what came before; releases {@code msg} once done. */
    void write(Object msg, ByteBuf content) {
        if (content.readableBytes() == 0) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queue.add(msg, content);
        writeNext();
    }

    /** Whether a {@code read()} reaching the handler is held back (backpressure); else the handler passes it on. */
    boolean holdRead() {
        return queue.holdRead();
    }

    /** The channel's input is shut down (half-closure): nothing is left to read. */
    void inputShutdown() {
        queue.inputShutdown();
    }

    /** Ends the input: what is queued is still written, then the file synced. Idempotent. */
    void endInput() {
        if (ended) {
            return;
        }
        ended = true;
        queue.releaseHold(); // what arrives now is not ours: reading is the next handlers' business
        writeNext();
    }

    /** Starts the next write of everything queued, or syncs once the input has ended and all is written. */
    private void writeNext() {
        if (writing || syncing || failure != null || file == null) {
            return;
        }
        if (queue.isEmpty()) {
            if (ended) {
                sync();
            }
            return;
        }
        WriteQueue.Batch batch = queue.poll();
        writing = true;
        long position = startPosition + written;
        ByteBuf single = batch.single();
        Future<? extends Number> write = single != null ? file.write(single, position)
                : file.write(batch.contents(), position);
        LoopHop.whenDone(write, ctx.executor(), done -> onWritten(done, batch, position),
                done -> writeOrphaned(batch));
    }

    private void onWritten(Future<? extends Number> write, WriteQueue.Batch batch, long position) {
        batch.release();
        writing = false;
        if (!write.isSuccess()) {
            fail(write.cause());
            return;
        }
        long count = write.getNow().longValue();
        if (count != batch.length) {        // AioFile.write retries short writes: never expected
            fail(new IOException("wrote " + count + " of " + batch.length + " bytes at " + position + " to " + file));
            return;
        }
        written += count;
        queue.written(count);
        writeNext();
    }

    /** The channel's loop is gone with a write in flight: releases its messages, and ends here. */
    private void writeOrphaned(WriteQueue.Batch batch) {
        batch.release();
        orphaned(new IOException("the event loop of " + ctx.channel() + " shut down while writing to " + file));
    }

    private void sync() {
        syncing = true;
        LoopHop.whenDone(file.sync(), ctx.executor(), this::onSynced,
                done -> orphaned(new IOException("the event loop of " + ctx.channel() + " shut down while syncing "
                        + file)));
    }

    private void onSynced(Future<Void> sync) {
        if (!sync.isSuccess()) {
            fail(sync.cause());
            return;
        }
        Throwable cutShort = endCheck == null ? null : endCheck.check(written, file);
        if (cutShort != null) {
            fail(cutShort);
            return;
        }
        finish();
    }

    /**
     * Fails: releases what is queued, lets go of reading, fires {@code exceptionCaught} (while in the pipeline) and
     * ends. Only the first failure counts. On the channel's loop.
     */
    void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        queue.discard();
        if (!ctx.isRemoved()) {
            ctx.fireExceptionCaught(cause);
        }
        finish();
    }

    /**
     * The channel's loop is gone (runs on another thread, nothing running on the loop any more): releases what is
     * queued, closes an owned file (and deletes it, if asked) and fails the completion.
     */
    private void orphaned(Throwable cause) {
        queue.releaseAll();
        if (failure == null) {
            failure = cause;
        }
        finish();
    }

    /**
     * Ends, after the sync or a failure, once the file is open (a file still opening is waited for; writes in
     * flight finish first): {@link AioFileWriteFinish} closes, deletes and reports. Loop-safe.
     */
    private void finish() {
        if (opening || finishing) {
            return;
        }
        finishing = true;
        finish.run(file, failure, written, cause -> failure = cause);
    }

    @Override
    public String toString() {
        Object target = file != null ? file : path != null ? path : "a file to come";
        return target + " from " + startPosition + ", written " + written + (opening ? ", opening" : "")
                + (ended ? ", ended" : "") + (failure != null ? ", failed" : "");
    }
}

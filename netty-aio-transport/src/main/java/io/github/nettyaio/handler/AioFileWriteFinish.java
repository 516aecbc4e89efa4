/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.internal.LoopPromise;
import io.github.nettyaio.internal.Loops;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The last step of an {@link AioFileWriter}, once its input is written and synced or it failed: closes an owned
 * file, deletes it after a failure if asked, then fires {@link AioFileWriteComplete} (on success, while the handler
 * is in the pipeline) and completes the writer's completion.
 *
 * <p>Runs on the channel's event loop, or on the thread that completes the close once that loop is gone; the delete
 * runs on a daemon thread of its own, never on an event loop (except a threadless one's, on its user's thread). A
 * failed close fails the completion (or is added to the earlier failure as suppressed), and so does a failed
 * delete, as suppressed. It is critical that {@link #run} is called once, with the writer's first failure: a second
 * call would close, delete and report again (the file's close lets the writes issued before it finish).
 */
final class AioFileWriteFinish {
    /** Deletes files after failed uploads, off the event loops: one daemon thread, gone after 10 s without work. */
    private static final ThreadPoolExecutor DELETER = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), new DefaultThreadFactory("netty-aio-delete", true));

    private final LoopPromise<Long> completion;
    private final boolean ownsFile;
    /** The file to delete after a failure, else null. */
    private final Path deletePath;
    private ChannelHandlerContext ctx;

    AioFileWriteFinish(LoopPromise<Long> completion, boolean ownsFile, Path deletePath) {
        this.completion = completion;
        this.ownsFile = ownsFile;
        this.deletePath = deletePath;
    }

    /** The handler's context (events fire through it); set once, when the handler is added. */
    void start(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Closes {@code file} if owned (null: none opened), deletes it if asked when {@code failure} is not null, then
     * reports {@code written} bytes or the failure. A failed close is handed to {@code closeFailed} when it is the
     * first failure. Loop-safe.
     */
    void run(AioFile file, Throwable failure, long written, Consumer<Throwable> closeFailed) {
        if (!ownsFile || file == null) {
            report(failure, written);
            return;
        }
        LoopHop.whenDone(file.closeAsync(), ctx.executor(), done -> closed(done, failure, written, closeFailed),
                done -> closed(done, failure, written, closeFailed));
    }

    /** The owned file is closed (or failed to close): deletes it if asked after a failure, then reports. */
    private void closed(Future<Void> close, Throwable failure, long written, Consumer<Throwable> closeFailed) {
        Throwable cause = failure;
        if (!close.isSuccess()) {
            if (cause == null) {
                cause = close.cause();
                closeFailed.accept(cause);
                if (canFire()) {
                    ctx.fireExceptionCaught(cause);
                }
            } else if (cause != close.cause()) {
                cause.addSuppressed(close.cause());
            }
        }
        if (cause != null && deletePath != null) {
            deleteThenReport(cause);
        } else {
            report(cause, written);
        }
    }

    /**
     * Deletes {@link #deletePath} on {@link #DELETER}, then fails the completion from there (its listeners still
     * run on the channel's loop: a failure fires no event).
     */
    private void deleteThenReport(Throwable cause) {
        if (Loops.isThreadless(ctx.executor())) {
            // An EmbeddedChannel's loop takes tasks from its own user only: delete here, on that user's thread.
            delete(cause);
            return;
        }
        try {
            DELETER.execute(() -> delete(cause));
        } catch (RejectedExecutionException rejected) {
            cause.addSuppressed(rejected);
            report(cause, 0);
        }
    }

    private void delete(Throwable cause) {
        try {
            Files.deleteIfExists(deletePath);
        } catch (IOException | RuntimeException error) {
            cause.addSuppressed(error);
        }
        report(cause, 0);
    }

    /** Completes: the event (on the loop, while in the pipeline) and the completion. Loop-safe. */
    private void report(Throwable failure, long written) {
        if (failure != null) {
            completion.tryFailure(failure);
            return;
        }
        if (canFire()) {
            ctx.fireUserEventTriggered(new AioFileWriteComplete(written));
        }
        completion.trySuccess(written);
    }

    /** Whether events may be fired: on the channel's loop, while the handler is in the pipeline. */
    private boolean canFire() {
        return ctx.executor().inEventLoop() && !ctx.isRemoved();
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.LoopPromise;
import io.github.nettyaio.internal.StagedBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.RejectedExecutionException;

/**
 * One call on an {@link AioFile}: its promise, its place among the file's {@link OutstandingOperations}, the
 * caller's buffers it holds and stages, and the indices it puts back when it fails. Its promise completes on the
 * file's loop (or, once that loop is gone, on the thread that learns the outcome). It is critical that every path
 * ends in {@link #succeed}, {@link #fail} or {@link #finishIfFailedEarly}: each releases what the operation holds
 * and uncounts it, which a close waits for.
 *
 * @param <T> the future's result
 */
final class FileOperation<T> {
    // Logged under AioFile, the class users configure logging for.
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFile.class);

    private final OutstandingOperations outstanding;
    private final EventLoop loop;
    private final FileEngine engine;
    /** {@link AlignedBuffers#DIRECT_ALIGNMENT} for an {@code O_DIRECT} file, else 1. */
    private final int stagingAlignment;
    private final Promise<T> promise;
    /** The buffers of the current step, staged for the engine. */
    private StagedBuffers staged;
    private boolean counted;
    /** The caller's buffers, retained from {@link #start} until the operation ends. */
    private ByteBuf[] held;
    /** The index of each of {@link #held} at the start (reads: writer index; writes: reader index). */
    private int[] startIndex;
    private boolean read;
    /** A step succeeded, so the caller's indices moved: a failure puts them back. */
    private boolean moved;
    /** Refusals retried since the last step that succeeded. */
    private int refusals;
    /**
     * The operation sits in a task of the loop, not started or waiting to retry: the kernel holds none of its
     * memory. Guarded by {@code this}: exactly one of the task, a rejection and {@link #failOnLoopTermination}
     * claims it.
     */
    private boolean parked;
    /** Neighbours in the list of {@link OutstandingOperations}; guarded by its lock. */
    FileOperation<?> prev;
    FileOperation<?> next;

    FileOperation(OutstandingOperations outstanding, FileEngine engine, int stagingAlignment) {
        this.outstanding = outstanding;
        this.loop = outstanding.loop();
        this.engine = engine;
        this.stagingAlignment = stagingAlignment;
        this.promise = new LoopPromise<>(loop);
    }

    Promise<T> promise() {
        return promise;
    }

    /** Checks the position and counts the operation; false (promise failed) when it can't start. */
    boolean begin(long position) {
        IllegalArgumentException badPosition = FileErrors.checkPosition(position);
        if (badPosition != null) {
            promise.setFailure(badPosition);
            return false;
        }
        if (!outstanding.add(this)) {
            promise.setFailure(new ClosedChannelException());
            return false;
        }
        counted = true;
        return true;
    }

    /**
     * Counts the operation and stages its buffers; returns null when it is already complete: an argument
     * error or a closed file (failed), or nothing to transfer (succeeded with {@code whenEmpty}).
     */
    StagedBuffers start(boolean read, long position, T whenEmpty, ByteBuf... bufs) {
        if (!begin(position)) {
            return null;
        }
        StagedBuffers s = stage(read, bufs);
        if (s != null && s.length() == 0) {
            s.release();
            succeed(whenEmpty);
            return null;
        }
        if (s != null) {
            // One reference for the whole operation, on top of each step's own: a multi-step operation
            // (readFully, a write retrying a short write) stages the caller's buffers again after a step let
            // go of them, and a caller that released early must not have them recycled in between.
            int[] at = new int[bufs.length];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i].retain();
                at[i] = read ? bufs[i].writerIndex() : bufs[i].readerIndex();
            }
            this.read = read;
            startIndex = at;
            held = bufs;
        }
        return s;
    }

    /** Validates and pins buffers for the next step; null (promise failed, count released) on an argument error. */
    StagedBuffers stage(boolean read, ByteBuf... bufs) {
        try {
            boolean vectored = engine.vectored();
            staged = read ? StagedBuffers.forRead(stagingAlignment, vectored, bufs)
                    : StagedBuffers.forWrite(stagingAlignment, vectored, bufs);
            return staged;
        } catch (RuntimeException e) {
            restoreIndices();
            done();
            promise.tryFailure(e);
            return null;
        }
    }

    /** Runs {@code task} on the loop; from then on the operation can't be cancelled. */
    void run(Runnable task) {
        boolean onLoop = loop.inEventLoop();
        Runnable guarded = () -> {
            if (!onLoop && !claimParked()) {
                return;     // failed when the loop terminated, before it ran this
            }
            if (!promise.setUncancellable()) {
                releaseStaged();
                done();
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                releaseStaged();
                fail(t);
            }
        };
        if (onLoop) {
            guarded.run();
            return;
        }
        park();
        try {
            loop.execute(guarded);
        } catch (RejectedExecutionException e) {
            if (claimParked()) {
                releaseStaged();
                fail(FileErrors.loopShutDown(loop, e));
            }
        }
    }

    /** Runs a retry of a step, parked by {@link OutstandingOperations#retryLater}, unless someone claimed it. */
    void resume(Runnable step) {
        if (!claimParked()) {
            return;
        }
        try {
            step.run();
        } catch (Throwable t) {
            releaseStaged();
            fail(t);
        }
    }

    /** Refusals in a row since the last step that succeeded. */
    int refusals() {
        return refusals;
    }

    void countRefusal() {
        refusals++;
    }

    /** A step succeeded: the indices it moves go back if a later step fails; refusals count afresh. */
    void stepSucceeded() {
        moved = true;
        refusals = 0;
    }

    /** The operation now waits in a task of the loop, where the kernel holds none of its memory. */
    synchronized void park() {
        parked = true;
    }

    /** True for exactly one caller once {@link #park()} ran: the task, a rejection or a loop termination. */
    synchronized boolean claimParked() {
        if (!parked) {
            return false;
        }
        parked = false;
        return true;
    }

    // The library lets go of the caller's buffers before the promise completes (a listener sees them as the
    // caller alone holds them), and the operation stops counting after it, so a close waiting for the
    // operation completes after its future.
    void succeed(T value) {
        releaseHeld();
        promise.trySuccess(value);
        done();
    }

    void fail(Throwable cause) {
        restoreIndices();
        releaseHeld();
        promise.tryFailure(cause);
        done();
    }

    /**
     * The loop terminated with this operation outstanding: fails it without releasing its buffers, unless it only
     * sat in a task of the loop (not started, or waiting to retry), which the dead loop will never run: the
     * kernel holds none of its memory then, so it is released and uncounted now. True if this failed it.
     */
    boolean failOnLoopTermination(Throwable cause) {
        if (claimParked()) {
            releaseStaged();
            fail(cause);
            return true;
        }
        return promise.tryFailure(cause);
    }

    /**
     * Whether the future already failed ({@link #failOnLoopTermination}, while the kernel still had the step);
     * then lets go of everything without touching the caller's indices (the caller has its buffers back).
     * Called with the step's staged buffers {@code s} when a step's completion arrives.
     */
    boolean finishIfFailedEarly(StagedBuffers s) {
        if (!promise.isDone()) {
            return false;
        }
        s.release();
        releaseHeld();
        done();
        return true;
    }

    private void releaseStaged() {
        if (staged != null) {
            staged.release();
        }
    }

    /**
     * A failed operation moves no index: steps that succeeded before the failing one (of {@code readFully}, or
     * of a write retrying a short write) moved the caller's indices, which go back to where they were. The
     * buffers are still held, so none of them can have been recycled meanwhile.
     */
    private void restoreIndices() {
        ByteBuf[] bufs = held;
        if (bufs == null || !moved) {
            return;
        }
        for (int i = 0; i < bufs.length; i++) {
            try {
                if (read) {
                    bufs[i].writerIndex(startIndex[i]);
                } else {
                    bufs[i].readerIndex(startIndex[i]);
                }
            } catch (IndexOutOfBoundsException e) {
                // The caller moved the other index meanwhile (its own race): leave the buffer as it is.
                logger.debug("Could not restore an index of {} after a failed operation", bufs[i], e);
            }
        }
    }

    private void releaseHeld() {
        ByteBuf[] bufs = held;
        if (bufs != null) {
            held = null;
            for (ByteBuf b : bufs) {
                b.release();
            }
        }
    }

    private void done() {
        releaseHeld();
        if (counted) {
            counted = false;
            outstanding.remove(this);
        }
    }
}

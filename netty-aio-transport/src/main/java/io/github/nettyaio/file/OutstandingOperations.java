/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.LoopPromise;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.Platform;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link FileOperation}s of one {@link AioFile} whose futures are not complete yet: counts them so that a
 * close waits for them, retries the steps the kernel refused ({@code EINTR}, {@code EAGAIN}) after a back-off,
 * and fails them all when the loop terminates. Any thread may add, remove and close; retries are scheduled on the
 * loop. The close future completes on the loop, or on the closing thread once the loop is gone. It is critical
 * that the file's resources are released only through {@link #closeAsync()}: the kernel may still use them while
 * an operation is counted.
 */
final class OutstandingOperations {
    // Logged under AioFile, the class users configure logging for.
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFile.class);
    private static final int CLOSED = 1;
    /** {@code EAGAIN} retries: the first back-off, its cap, and how many refusals in a row an operation takes. */
    static final long RETRY_MIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    static final long RETRY_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final int RETRY_LIMIT = 200;

    /** What a close releases once no operation is outstanding: the engine and the descriptor. */
    interface Resources {
        /** Called once, on the loop (or on the closing thread once the loop is gone). */
        void release() throws IOException;
    }

    private final EventLoop loop;
    private final FileErrors errors;
    private final Resources resources;
    private final int eagain;
    /** (operations outstanding << 1) | CLOSED. */
    private final AtomicInteger state = new AtomicInteger();
    private final Promise<Void> closeFuture;
    /**
     * The operations, failed if the loop terminates: an intrusive doubly linked list through
     * {@link FileOperation#prev}/{@link FileOperation#next}, guarded by {@link #lock} (two short uncontended
     * critical sections per operation, no allocation).
     */
    private final Object lock = new Object();
    private FileOperation<?> head;
    private final FutureListener<Object> loopTerminated = f -> loopTerminated();

    OutstandingOperations(EventLoop loop, FileErrors errors, Resources resources) {
        this.loop = loop;
        this.errors = errors;
        this.resources = resources;
        this.eagain = Platform.abi().constants().EAGAIN;
        this.closeFuture = new LoopPromise<>(loop);
        LoopTermination.listen(loop, loopTerminated);
    }

    EventLoop loop() {
        return loop;
    }

    /** Whether {@link #closeAsync()} was called. */
    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Counts {@code op}; false when the file is closed. */
    boolean add(FileOperation<?> op) {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 2)) {
                synchronized (lock) {
                    op.next = head;
                    if (head != null) {
                        head.prev = op;
                    }
                    head = op;
                }
                return true;
            }
        }
    }

    /** Uncounts {@code op}, which ended; the last one out after a close releases the resources. */
    void remove(FileOperation<?> op) {
        synchronized (lock) {
            if (op.prev != null) {
                op.prev.next = op.next;
            } else {
                head = op.next;
            }
            if (op.next != null) {
                op.next.prev = op.prev;
            }
            op.prev = null;
            op.next = null;
        }
        if (state.addAndGet(-2) == CLOSED) {
            releaseResources();
        }
    }

    /**
     * Retries a step of {@code op} the engine reported {@code r} for, if {@code r} is {@code -EINTR} (as the loop's
     * next task) or {@code -EAGAIN} (a refused submission, e.g. a full POSIX AIO queue: after a back-off doubling
     * from {@link #RETRY_MIN_NANOS} to {@link #RETRY_MAX_NANOS}, so the completions that free the queue are
     * processed meanwhile). Never recursive: a refusal reported within the submitting call can't grow the
     * stack. Returns false when {@code r} is something else, after {@link #RETRY_LIMIT} refusals in a row
     * (since the last step that succeeded), off the loop (it is gone), or when the loop takes no more tasks:
     * the caller then fails the operation with {@code r}'s error.
     */
    boolean retryLater(FileOperation<?> op, long r, Runnable step) {
        boolean eintr = r == -Errno.EINTR;
        // Off the loop only once it is gone (FileEngine's contract): no retry can run then.
        if (!eintr && r != -eagain || op.refusals() >= RETRY_LIMIT || !loop.inEventLoop()) {
            return false;
        }
        long delay = eintr ? 0 : Math.min(RETRY_MIN_NANOS << Math.min(op.refusals(), 20), RETRY_MAX_NANOS);
        op.countRefusal();
        Runnable task = () -> op.resume(step);
        op.park();
        try {
            if (delay == 0) {
                loop.execute(task);
            } else {
                loop.schedule(task, delay, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (RejectedExecutionException e) {
            // Unclaimed: the caller fails the operation. Claimed: the loop's termination already did.
            return !op.claimParked();
        }
    }

    /**
     * Stops counting new operations; once the outstanding ones have ended, releases the resources. Idempotent.
     *
     * @return the same future on every call, completing once the resources are released
     */
    Future<Void> closeAsync() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return closeFuture;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    releaseResources();
                }
                return closeFuture;
            }
        }
    }

    /** Fails the close future: operations in flight will never report, so it would wait forever. */
    void failClose(IOException cause) {
        closeFuture.tryFailure(cause);
    }

    private void releaseResources() {
        Runnable task = () -> {
            LoopTermination.unlisten(loop, loopTerminated);
            try {
                resources.release();
                closeFuture.trySuccess(null);
            } catch (IOException e) {
                closeFuture.tryFailure(e);
            }
        };
        if (loop.inEventLoop() || loop.isShutdown()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        }
    }

    /**
     * The loop terminated: fail every pending future now, and close once the operations in flight have
     * finished. Their buffers stay pinned until then (engines that can still complete them do so on their
     * own thread; an operation whose completion can never be observed keeps its buffer and the descriptor
     * forever, deliberately, rather than let the kernel write into freed memory or a reused descriptor).
     */
    private void loopTerminated() {
        IOException cause = errors.inFlightAtShutdown(loop);
        List<FileOperation<?>> pending = new ArrayList<>();
        synchronized (lock) {
            for (FileOperation<?> op = head; op != null; op = op.next) {
                pending.add(op);
            }
        }
        int failed = 0;
        for (FileOperation<?> op : pending) {
            if (op.failOnLoopTermination(cause)) {
                failed++;
            }
        }
        if (failed > 0) {
            logger.debug("{} operation(s) on {} were in flight when {} shut down", failed, errors.path(), loop);
        }
        closeAsync();
    }
}

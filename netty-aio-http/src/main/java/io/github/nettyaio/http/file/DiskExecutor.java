/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A small pool of threads for the file-system calls that have no asynchronous form ({@code open},
 * {@code stat}, {@code realpath}, directory listing, {@code rename}), so that no event loop ever waits for the
 * disk. Results come back on the event loop that asked; a result the loop can no longer take (it shut down) is
 * given to a clean-up callback instead, so that no opened file is lost.
 */
final class DiskExecutor implements AutoCloseable {
    private final ExecutorService pool;

    /** A pool of {@code threads} daemon threads named {@code disk-N}. */
    public DiskExecutor(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected >= 1)");
        }
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("disk", true));
    }

    /**
     * Runs {@code task} on the pool.
     *
     * @return a future of {@code loop} completing with the task's result or exception (listeners run on
     *         {@code loop}'s thread); it fails with {@link RejectedExecutionException} once this pool is closed
     */
    public <T> Future<T> submit(EventExecutor loop, Callable<T> task) {
        return submit(loop, task, result -> { });
    }

    /**
     * Runs {@code task}, which opens something ({@code result}), on the pool, and hands the result to
     * {@code loop}; if the loop refuses it (it is shutting down) or the future was completed otherwise (e.g.
     * cancelled), nobody will ever see the result: {@code orphan} is then called with it, on the pool thread
     * or the loop, to close it.
     *
     * @return a future of {@code loop} completing with the task's result or exception (listeners run on
     *         {@code loop}'s thread); it fails with {@link RejectedExecutionException} once this pool is closed
     */
    public <T> Future<T> submit(EventExecutor loop, Callable<T> task, Consumer<? super T> orphan) {
        Promise<T> p = loop.newPromise();
        try {
            pool.execute(() -> {
                T result;
                try {
                    result = task.call();
                } catch (Throwable t) {
                    handOver(loop, () -> p.tryFailure(t), () -> p.tryFailure(t));
                    return;
                }
                handOver(loop, () -> {
                    if (!p.trySuccess(result)) {
                        orphan.accept(result);
                    }
                }, () -> {
                    orphan.accept(result);
                    p.tryFailure(new RejectedExecutionException("event loop " + loop + " is shut down"));
                });
            });
        } catch (RejectedExecutionException e) {
            p.tryFailure(e);
        }
        return p;
    }

    /**
     * Completes a promise on its loop ({@code onLoop}, whose listeners then run there), or runs {@code refused}
     * here when the loop no longer takes tasks (a promise completed from here would try to notify its
     * listeners on that loop, and that notification would be dropped).
     */
    private static void handOver(EventExecutor loop, Runnable onLoop, Runnable refused) {
        try {
            loop.execute(onLoop);
        } catch (RejectedExecutionException e) {
            refused.run();
        }
    }

    /** Stops accepting tasks and waits up to 10 s for the running ones. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

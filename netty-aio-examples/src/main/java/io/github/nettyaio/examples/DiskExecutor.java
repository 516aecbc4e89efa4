/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

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

/**
 * A small pool of threads for the file-system calls that have no asynchronous form ({@code open},
 * {@code stat}, {@code realpath}, directory listing, {@code rename}), so that no event loop ever waits for the
 * disk. Results come back on the event loop that asked.
 */
public final class DiskExecutor implements AutoCloseable {
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
        Promise<T> p = loop.newPromise();
        try {
            pool.execute(() -> {
                try {
                    p.trySuccess(task.call());
                } catch (Throwable t) {
                    p.tryFailure(t);
                }
            });
        } catch (RejectedExecutionException e) {
            p.tryFailure(e);
        }
        return p;
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

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.AioProperties;
import io.github.nettyaio.internal.Loops;
import io.github.nettyaio.sys.internal.LibC;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link AioEngine#BLOCKING}: {@code pread}/{@code pwrite}/{@code preadv}/{@code pwritev}/{@code fsync}/
 * {@code fdatasync} on a process-wide bounded pool of daemon threads ({@code -Dio.github.nettyaio.blockingThreads},
 * default {@code max(2, cores)}); the last resort, and the baseline the other engines are measured against.
 * Completions run on the file's loop, or on the pool thread once that loop is gone; errors arrive as
 * {@code -errno}. It is critical that nothing waits on the pool from the pool: it is bounded and shared by every
 * file.
 */
final class BlockingFileEngine implements FileEngine {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(BlockingFileEngine.class);

    /** The pool size. */
    static final int THREADS = AioProperties.blockingThreads();
    private static final Executor POOL = newPool();

    private final EventLoop loop;
    /**
     * The loop has no thread of its own (an {@code EmbeddedChannel}'s): the calls run on the calling thread, their
     * completions queued on the loop from there (its task queue takes tasks from its own user only).
     */
    private final boolean inline;

    /** An engine completing on {@code loop}, any {@link EventLoop}; may be created on any thread. */
    BlockingFileEngine(EventLoop loop) {
        this.loop = loop;
        this.inline = Loops.isThreadless(loop);
    }

    private static Executor newPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("netty-aio-blocking", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Runs {@code task} on the blocking pool (also used by other engines for work that must block). */
    static void execute(Runnable task) {
        POOL.execute(task);
    }

    @Override
    public AioEngine kind() {
        return AioEngine.BLOCKING;
    }

    @Override
    public void read(int fd, long address, int length, long position, Completion done) {
        run(() -> LibC.pread(fd, address, length, position), done);
    }

    @Override
    public void write(int fd, long address, int length, long position, Completion done) {
        run(() -> LibC.pwrite(fd, address, length, position), done);
    }

    /** {@code preadv}/{@code pwritev} take the caller's memory as it is. */
    @Override
    public boolean vectored() {
        return true;
    }

    @Override
    public void readv(int fd, long iov, int iovcnt, long position, Completion done) {
        run(() -> LibC.preadv(fd, iov, iovcnt, position), done);
    }

    @Override
    public void writev(int fd, long iov, int iovcnt, long position, Completion done) {
        run(() -> LibC.pwritev(fd, iov, iovcnt, position), done);
    }

    @Override
    public void sync(int fd, boolean dataOnly, Completion done) {
        POOL.execute(() -> {
            int r = dataOnly ? LibC.fdatasync(fd) : LibC.fsync(fd);
            post(done, r < 0 ? -LibC.errno() : 0);
        });
    }

    /** Runs {@code call} on the pool and reports its result, or {@code -errno} (read on that thread) when negative. */
    private void run(java.util.function.LongSupplier call, Completion done) {
        if (inline) {
            long r = call.getAsLong();
            post(done, r < 0 ? -LibC.errno() : r);
            return;
        }
        POOL.execute(() -> {
            long r = call.getAsLong();
            post(done, r < 0 ? -LibC.errno() : r);
        });
    }

    /** Completes on the file's loop; once that loop is gone, on this pool thread (the kernel is done). */
    private void post(Completion done, long result) {
        try {
            loop.execute(() -> done.complete(result));
        } catch (RejectedExecutionException e) {
            logger.debug("{} shut down: completing on {}", loop, Thread.currentThread().getName());
            done.complete(result);
        }
    }

    @Override
    public void cancelAll() {
        // A pread/pwrite in progress can't be cancelled; queued ones finish quickly.
    }

    @Override
    public void close() {
    }
}

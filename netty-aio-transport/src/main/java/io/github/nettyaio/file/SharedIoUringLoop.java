/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.AioProperties;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The process-wide io_uring event loop group that {@link IoUringFileEngine} uses for files whose own loop is
 * not an io_uring loop (NIO, epoll, ...). Created on first use with {@code -Dio.github.nettyaio.sharedRingThreads}
 * daemon threads (default 1) named {@code netty-aio-uring-*}; never shut down (its daemon threads don't keep
 * the JVM alive). Each of its loops owns one ring; a file's handle is registered on one of them, round-robin, and
 * reached through an {@link IoUringHandOver}.
 *
 * <p>It is critical that nothing shut this group down: files of every loop share it, and their operations in
 * flight would be stranded.
 */
final class SharedIoUringLoop {
    /** System property: the number of shared ring threads (default 1). */
    static final String THREADS_PROPERTY = AioProperties.SHARED_RING_THREADS;

    private static volatile MultiThreadIoEventLoopGroup group;

    private SharedIoUringLoop() {
    }

    /**
     * Returns the next loop of the shared group, creating the group first if needed. Thread-safe; may be
     * called on any thread.
     *
     * @throws UnsupportedOperationException io_uring is not available, or the group's rings could not be
     *                                       created (the cause says why; a later call tries again)
     */
    static IoEventLoop next() {
        return group().next();
    }

    private static MultiThreadIoEventLoopGroup group() {
        MultiThreadIoEventLoopGroup g = group;
        if (g != null) {
            return g;
        }
        synchronized (SharedIoUringLoop.class) {
            g = group;
            if (g == null) {
                if (!IoUring.isAvailable()) {
                    throw new UnsupportedOperationException(
                            "io_uring is not available: " + IoUring.unavailabilityCause(),
                            IoUring.unavailabilityCause());
                }
                int threads = AioProperties.sharedRingThreads();
                try {
                    g = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("netty-aio-uring", true),
                            IoUringIoHandler.newFactory());
                } catch (RuntimeException | LinkageError e) {
                    throw new UnsupportedOperationException(
                            "Can't create the shared io_uring loop (" + threads + " thread(s)): " + e, e);
                }
                group = g;
            }
            return g;
        }
    }
}

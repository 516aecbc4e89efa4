/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.netty.util.internal.SystemPropertyUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Every system property netty-aio reads, each read once, here, through Netty's {@link SystemPropertyUtil}. The
 * README lists them with their defaults; keep the two in step.
 */
public final class AioProperties {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioProperties.class);

    /** {@code io.github.nettyaio.blockingThreads}: the BLOCKING engine's pool size. */
    public static final String BLOCKING_THREADS = "io.github.nettyaio.blockingThreads";
    /** {@code io.github.nettyaio.sharedRingThreads}: threads of the shared io_uring loop. */
    public static final String SHARED_RING_THREADS = "io.github.nettyaio.sharedRingThreads";
    /** {@code io.github.nettyaio.inlineCachedReads}: {@code false} sends every shared-ring read to the ring. */
    public static final String INLINE_CACHED_READS = "io.github.nettyaio.inlineCachedReads";
    /** {@code io.github.nettyaio.uringSubmitChunk}: new submissions per file per ring-loop iteration. */
    public static final String URING_SUBMIT_CHUNK = "io.github.nettyaio.uringSubmitChunk";
    /** {@code io.github.nettyaio.reaperWake}: {@code read} (eventfd, Linux default) or {@code timed}. */
    public static final String REAPER_WAKE = "io.github.nettyaio.reaperWake";

    private AioProperties() {
    }

    /** {@link #BLOCKING_THREADS}; default: the number of CPUs, at least 2. */
    public static int blockingThreads() {
        return Math.max(1, SystemPropertyUtil.getInt(BLOCKING_THREADS,
                Math.max(2, Runtime.getRuntime().availableProcessors())));
    }

    /** {@link #SHARED_RING_THREADS}; default 1. */
    public static int sharedRingThreads() {
        return Math.max(1, SystemPropertyUtil.getInt(SHARED_RING_THREADS, 1));
    }

    /** {@link #INLINE_CACHED_READS}; default {@code true}. */
    public static boolean inlineCachedReads() {
        return SystemPropertyUtil.getBoolean(INLINE_CACHED_READS, true);
    }

    /** {@link #URING_SUBMIT_CHUNK}, or 0 when not set (the engine then chooses per file). */
    public static int uringSubmitChunk() {
        return Math.max(0, SystemPropertyUtil.getInt(URING_SUBMIT_CHUNK, 0));
    }

    /** Whether {@link #REAPER_WAKE} asks for timed wakes ({@code timed}); {@code read} or unset: no. */
    public static boolean reaperWakeTimed() {
        String wake = SystemPropertyUtil.get(REAPER_WAKE, "");
        if (!wake.isEmpty() && !wake.equals("read") && !wake.equals("timed")) {
            logger.warn("Ignoring -D{}={}: 'read' or 'timed'", REAPER_WAKE, wake);
        }
        return wake.equals("timed");
    }
}

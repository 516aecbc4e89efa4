/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.ArrayDeque;

/**
 * Direct staging buffers kept per event-loop thread, most recently used first, so that the memory a kernel
 * copies a heap buffer's bytes into (or out of) is still in the CPU cache when the next transfer of that thread
 * uses it. A pool allocator hands out 64 KiB runs round-robin, from memory long evicted from the cache: every
 * staged transfer then pays cache misses twice (the kernel's copy and ours), which costs as much as the copy.
 *
 * <p>Only threads that clean up their {@link FastThreadLocal}s when they end (Netty's event loop threads) keep
 * buffers, at most {@value #PER_SIZE} per power-of-two size from 4 KiB to {@value #MAX_CAPACITY} bytes
 * (≤ 2 MiB a thread); the thread's buffers are released when it ends. Elsewhere, and for larger transfers,
 * {@link #take} and {@link #give} just allocate and release. Not thread-safe by design: each thread has its own.
 */
final class StagingCache {
    static final int MIN_CAPACITY = 4096;
    static final int MAX_CAPACITY = 256 * 1024;
    static final int PER_SIZE = 4;
    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_CAPACITY);
    private static final int SIZES = Integer.numberOfTrailingZeros(MAX_CAPACITY) - MIN_SHIFT + 1;

    private static final FastThreadLocal<StagingCache> CACHE = new FastThreadLocal<>() {
        @Override
        protected StagingCache initialValue() {
            return new StagingCache();
        }

        @Override
        protected void onRemoval(StagingCache cache) {
            cache.releaseAll();
        }
    };

    @SuppressWarnings("unchecked")
    private final ArrayDeque<ByteBuf>[] free = new ArrayDeque[SIZES];

    private StagingCache() {
        for (int i = 0; i < SIZES; i++) {
            free[i] = new ArrayDeque<>(PER_SIZE);
        }
    }

    /** An empty direct buffer of at least {@code length} bytes, from this thread's cache or {@code alloc}. */
    static ByteBuf take(ByteBufAllocator alloc, int length) {
        if (length > MAX_CAPACITY || !FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()) {
            return alloc.directBuffer(length, length);
        }
        int size = sizeIndex(length);
        ByteBuf b = CACHE.get().free[size].pollFirst();
        return b != null ? b.clear() : alloc.directBuffer(MIN_CAPACITY << size, MIN_CAPACITY << size);
    }

    /**
     * Returns a buffer from {@link #take} (on any thread): kept by this thread's cache if it has room, else
     * released.
     */
    static void give(ByteBuf b) {
        int cap = b.capacity();
        if (cap >= MIN_CAPACITY && cap <= MAX_CAPACITY && Integer.bitCount(cap) == 1 && b.refCnt() == 1
                && FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()) {
            ArrayDeque<ByteBuf> q = CACHE.get().free[sizeIndex(cap)];
            if (q.size() < PER_SIZE) {
                q.addFirst(b);
                return;
            }
        }
        b.release();
    }

    private static int sizeIndex(int length) {
        int n = Math.max(length, MIN_CAPACITY);
        return 32 - Integer.numberOfLeadingZeros(n - 1) - MIN_SHIFT;
    }

    private void releaseAll() {
        for (ArrayDeque<ByteBuf> q : free) {
            ByteBuf b;
            while ((b = q.pollFirst()) != null) {
                b.release();
            }
        }
    }
}

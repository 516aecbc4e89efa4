/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.github.nettyaio.file.AioFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A channel allocator (set with {@code ChannelOption.ALLOCATOR}) that remembers every direct buffer it
 * handed out, so a test can assert that each one was released, independently of garbage collection. Allocates
 * on any thread; the checks run on the test thread and fail with {@link AssertionError}.
 *
 * <p>It is critical to check only after every completion has reached its handler
 * ({@link #assertAllReleasedAfterClosing} waits for that): a buffer still in flight is not yet a leak.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final Queue<ByteBuf> direct = new ConcurrentLinkedQueue<>();

    TrackingAllocator() {
        super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
        direct.add(buffer);
        return buffer;
    }

    /** How many direct buffers were allocated. */
    int allocated() {
        return direct.size();
    }

    /** The direct buffers allocated so far, in allocation order. */
    List<ByteBuf> buffers() {
        return new ArrayList<>(direct);
    }

    /**
     * Closes {@code file}, which waits for every operation issued on it; lets each completion reach its handler
     * (passing twice through the file's loop and each of {@code loops} still running, which orders this after the
     * tasks that hop completions there); then asserts that buffers were allocated and all of them released.
     */
    void assertAllReleasedAfterClosing(AioFile file, EventLoop... loops) throws Exception {
        AioTestSupport.await(file.closeAsync());
        for (int i = 0; i < 2; i++) {
            AioTestSupport.onLoop(file.eventLoop(), () -> null);
            for (EventLoop loop : loops) {
                if (!loop.isShuttingDown()) {
                    AioTestSupport.onLoop((IoEventLoop) loop, () -> null);
                }
            }
        }
        assertTrue(allocated() > 0, "nothing was allocated");
        assertEquals(List.of(), unreleased(), "buffers not released");
    }

    /** Descriptions of the direct buffers not released yet. */
    List<String> unreleased() {
        List<String> out = new ArrayList<>();
        for (ByteBuf buffer : direct) {
            if (buffer.refCnt() != 0) {
                out.add(buffer + " refCnt=" + buffer.refCnt());
            }
        }
        return out;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.StagedBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Direct {@link ByteBuf}s whose memory starts at an aligned address, for files opened with
 * {@link io.github.nettyaio.sys.AioOpenOption#DIRECT} ({@code O_DIRECT}), which needs buffer addresses, file
 * positions and lengths aligned to the device's logical block size (512 or 4096 bytes on most devices;
 * 4096 is always safe). Any thread may allocate. It is critical to align the file position and the length too:
 * an aligned buffer alone does not make an {@code O_DIRECT} request valid (the kernel answers {@code EINVAL}).
 */
public final class AlignedBuffers {
    /**
     * The alignment netty-aio uses for {@code O_DIRECT} buffers, positions and chunk sizes: 4096, a multiple of
     * every common device's logical block size. The one place this number is written.
     */
    public static final int DIRECT_ALIGNMENT = 4096;

    private AlignedBuffers() {
    }

    /**
     * Allocates an empty buffer of {@code capacity} bytes whose first byte is aligned to {@code alignment}, from
     * the pooled allocator. Its capacity is fixed; release it like any buffer.
     *
     * @throws IllegalArgumentException {@code alignment} is not a positive power of two, or {@code capacity}
     *                                  is negative
     */
    public static ByteBuf allocate(int alignment, int capacity) {
        return allocate(PooledByteBufAllocator.DEFAULT, alignment, capacity);
    }

    /**
     * Allocates from {@code alloc} an empty buffer of {@code capacity} bytes whose first byte is aligned to
     * {@code alignment}: a slice of a slightly larger direct buffer (released together with it).
     *
     * @throws IllegalArgumentException {@code alignment} is not a positive power of two, or {@code capacity}
     *                                  is negative
     * @throws UnsupportedOperationException the allocator's direct buffers expose no memory address
     */
    public static ByteBuf allocate(ByteBufAllocator alloc, int alignment, int capacity) {
        return StagedBuffers.alignedDirectBuffer(alloc, alignment, capacity);
    }

    /** Whether {@code buf}'s readable (or, if {@code forWrite} is false, writable) region starts aligned. */
    public static boolean isAligned(ByteBuf buf, int alignment, boolean forWrite) {
        if (!buf.hasMemoryAddress()) {
            return false;
        }
        long a = buf.memoryAddress() + (forWrite ? buf.readerIndex() : buf.writerIndex());
        return (a & (alignment - 1)) == 0;
    }
}

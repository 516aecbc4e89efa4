/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.StructField;
import io.github.nettyaio.sys.internal.StructLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The caller's buffers prepared for a kernel transfer, kept alive until it is over. Internal API.
 *
 * <p>At construction every buffer is validated (readable for a write, writable and not read-only for a
 * read, reference count above zero) and retained, so an early {@code release()} by the caller never frees
 * memory the kernel uses. The transfer then uses, in this order of preference:
 * <ol>
 * <li>the caller's memory itself, when there is a single buffer with one stable native region;</li>
 * <li>when the engine takes {@code iovec} arrays ({@code vectored}): the caller's memory itself, described by
 * an {@code iovec} array in pooled direct memory, when every region of every buffer (composite components
 * included) is direct — {@link #isVectored()};</li>
 * <li>else one pooled direct staging buffer (heap buffers, and vectored transfers where the engine has no
 * {@code readv}: glibc has no {@code aio_readv}); on an event loop thread the most recently released one of
 * its {@link StagingCache}, whose memory is still in the CPU cache.</li>
 * </ol>
 * Under {@code O_DIRECT} ({@code alignment > 1}) memory is used directly only where every region's address and
 * length are multiples of the alignment. On completion {@link #complete(long)} copies back (reads), moves the
 * caller's indices by the bytes transferred and releases; {@link #release()} releases without touching
 * indices (failure, cancel).
 */
public final class StagedBuffers {
    /** The most {@code iovec}s one transfer uses ({@code IOV_MAX} on Linux and FreeBSD); more are staged. */
    static final int IOV_MAX = 1024;

    private final ByteBuf[] bufs;
    private final boolean read;
    private final int length;
    private final ByteBuf staging;
    /** The {@code iovec} array of a vectored transfer, else null. */
    private final ByteBuf iovecs;
    private final int iovecCount;
    private final long address;
    private boolean released;
    /** 1, or the O_DIRECT alignment (then {@link #staging} is an aligned slice, not from {@link StagingCache}). */
    private final int alignment;

    private StagedBuffers(ByteBuf[] bufs, boolean read, ByteBufAllocator alloc, int alignment, boolean vectored) {
        this.bufs = bufs;
        this.read = read;
        this.alignment = alignment;
        long total = 0;
        for (ByteBuf b : bufs) {
            Objects.requireNonNull(b, "buffer");
            if (b.refCnt() <= 0) {
                throw new IllegalReferenceCountException(b.refCnt());
            }
            if (read && b.isReadOnly()) {
                throw new IllegalArgumentException("read-only buffer can't be a read destination");
            }
            total += read ? b.writableBytes() : b.readableBytes();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("transfer of " + total + " bytes exceeds 2 GiB");
        }
        this.length = (int) total;
        long direct = bufs.length == 1 ? nativeAddress(bufs[0], read) : 0;
        if ((direct & (alignment - 1)) != 0) {
            direct = 0; // O_DIRECT: stage through aligned memory instead
        }
        int retained = 0;
        try {
            for (ByteBuf b : bufs) {
                b.retain();
                retained++;
            }
            ByteBuf iov = direct == 0 && length > 0 && vectored ? iovecsFor(bufs, read, alloc, alignment) : null;
            if (direct != 0 || length == 0) {
                staging = null;
                iovecs = null;
                iovecCount = 0;
                address = direct;
            } else if (iov != null) {
                staging = null;
                iovecs = iov;
                iovecCount = iov.readableBytes() / Iovec.LAYOUT.size();
                address = iov.memoryAddress();
            } else {
                iovecs = null;
                iovecCount = 0;
                staging = alignment > 1 ? alignedDirectBuffer(alloc, alignment, length)
                        : StagingCache.take(alloc, length);
                if (!read) {
                    for (ByteBuf b : bufs) {
                        staging.writeBytes(b, b.readerIndex(), b.readableBytes());
                    }
                }
                address = stagingAddress(staging, read);
            }
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < retained; i++) {
                bufs[i].release();
            }
            throw e;
        }
    }

    /**
     * Prepares {@code dsts} as the destination of a read of up to their combined writable bytes.
     *
     * @throws IllegalReferenceCountException a buffer was already released
     * @throws IllegalArgumentException       a buffer is read-only, or the total exceeds 2 GiB
     */
    public static StagedBuffers forRead(ByteBuf... dsts) {
        return forRead(1, dsts);
    }

    /**
     * {@link #forRead(ByteBuf...)} whose native region starts at a multiple of {@code alignment} (a power of
     * two; 1 for none), staging when the caller's memory is not aligned ({@code O_DIRECT}).
     */
    public static StagedBuffers forRead(int alignment, ByteBuf... dsts) {
        return forRead(alignment, false, dsts);
    }

    /**
     * {@link #forRead(int, ByteBuf...)} for an engine that takes {@code iovec} arrays when {@code vectored}: then
     * several buffers, or a composite one, are read into directly where their memory allows
     * ({@link #isVectored()}).
     */
    public static StagedBuffers forRead(int alignment, boolean vectored, ByteBuf... dsts) {
        return new StagedBuffers(dsts.clone(), true, PooledByteBufAllocator.DEFAULT, alignment, vectored);
    }

    /**
     * Prepares {@code srcs}' readable bytes as the source of a write.
     *
     * @throws IllegalReferenceCountException a buffer was already released
     * @throws IllegalArgumentException       the total exceeds 2 GiB
     */
    public static StagedBuffers forWrite(ByteBuf... srcs) {
        return forWrite(1, srcs);
    }

    /** {@link #forWrite(ByteBuf...)} with an aligned native region, like {@link #forRead(int, ByteBuf...)}. */
    public static StagedBuffers forWrite(int alignment, ByteBuf... srcs) {
        return forWrite(alignment, false, srcs);
    }

    /**
     * {@link #forWrite(int, ByteBuf...)} for an engine that takes {@code iovec} arrays, like
     * {@link #forRead(int, boolean, ByteBuf...)}.
     */
    public static StagedBuffers forWrite(int alignment, boolean vectored, ByteBuf... srcs) {
        return new StagedBuffers(srcs.clone(), false, PooledByteBufAllocator.DEFAULT, alignment, vectored);
    }

    /**
     * An empty direct buffer of {@code capacity} bytes starting at a multiple of {@code alignment}: a slice of
     * a slightly larger buffer from {@code alloc}, released with it.
     *
     * @throws IllegalArgumentException      {@code alignment} is not a positive power of two, or a negative capacity
     * @throws UnsupportedOperationException the allocator's direct buffers expose no memory address
     */
    public static ByteBuf alignedDirectBuffer(ByteBufAllocator alloc, int alignment, int capacity) {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("negative capacity: " + capacity);
        }
        ByteBuf raw = alloc.directBuffer(capacity + alignment, capacity + alignment);
        if (!raw.hasMemoryAddress()) {
            raw.release();
            throw new UnsupportedOperationException("direct buffers of " + alloc + " expose no memory address");
        }
        int offset = (int) (-raw.memoryAddress() & (alignment - 1));
        return raw.slice(offset, capacity).clear();
    }

    /**
     * The native address the kernel transfers to or from (0 when {@link #length()} is 0); for a
     * {@linkplain #isVectored() vectored} transfer, the address of its {@code iovec} array.
     */
    public long address() {
        return address;
    }

    /** Whether {@link #address()} is an array of {@link #iovecCount()} {@code iovec}s (else one region). */
    public boolean isVectored() {
        return iovecs != null;
    }

    /** The number of {@code iovec}s of a vectored transfer (0 otherwise). */
    public int iovecCount() {
        return iovecCount;
    }

    /** The number of bytes the transfer asks for. */
    public int length() {
        return length;
    }

    /** Whether a staging copy is used (the caller's memory could not be used directly). */
    public boolean staged() {
        return staging != null;
    }

    /**
     * The transfer moved {@code n} bytes: copies them into the caller's buffers (reads), advances their
     * writer (reads) or reader (writes) indices in order, and releases.
     *
     * @throws IllegalStateException if already released
     */
    public void complete(long n) {
        if (released) {
            throw new IllegalStateException("already released");
        }
        try {
            int left = (int) Math.min(Math.max(n, 0), length);
            int stagingOffset = 0;
            for (ByteBuf b : bufs) {
                if (left == 0) {
                    break;
                }
                if (read) {
                    int k = Math.min(left, b.writableBytes());
                    if (staging != null && b.refCnt() > 0) {
                        b.setBytes(b.writerIndex(), staging, stagingOffset, k);
                    }
                    if (b.refCnt() > 0) {
                        b.writerIndex(b.writerIndex() + k);
                    }
                    stagingOffset += k;
                    left -= k;
                } else {
                    int k = Math.min(left, b.readableBytes());
                    if (b.refCnt() > 0) {
                        b.readerIndex(b.readerIndex() + k);
                    }
                    left -= k;
                }
            }
        } finally {
            release();
        }
    }

    /** Releases the caller's buffers (once) and the staging buffer, without touching any index. */
    public void release() {
        if (released) {
            return;
        }
        released = true;
        if (staging != null) {
            if (alignment > 1) {
                staging.release();
            } else {
                StagingCache.give(staging);
            }
        }
        if (iovecs != null) {
            iovecs.release();
        }
        for (ByteBuf b : bufs) {
            b.release();
        }
    }

    private static long nativeAddress(ByteBuf b, boolean read) {
        int index = read ? b.writerIndex() : b.readerIndex();
        if (b.hasMemoryAddress()) {
            return b.memoryAddress() + index;
        }
        if (b.isDirect() && b.nioBufferCount() == 1 && PlatformDependent.hasUnsafe()) {
            int len = read ? b.writableBytes() : b.readableBytes();
            ByteBuffer nio = b.nioBuffer(index, len);
            return PlatformDependent.directBufferAddress(nio) + nio.position();
        }
        return 0;
    }

    /**
     * An {@code iovec} array (in a pooled direct buffer, readable bytes = the array) over the caller's own memory,
     * or null when some region is not direct, is misaligned for {@code alignment}, or there are more than
     * {@link #IOV_MAX} regions: the transfer is then staged.
     */
    private static ByteBuf iovecsFor(ByteBuf[] bufs, boolean read, ByteBufAllocator alloc, int alignment) {
        if (!PlatformDependent.hasUnsafe()) {
            return null;
        }
        List<ByteBuffer> regions = new ArrayList<>();
        for (ByteBuf b : bufs) {
            int index = read ? b.writerIndex() : b.readerIndex();
            int len = read ? b.writableBytes() : b.readableBytes();
            if (len == 0) {
                continue;
            }
            if (!b.isDirect()) {
                return null;
            }
            for (ByteBuffer r : b.nioBuffers(index, len)) {
                if (!r.isDirect()) {
                    return null;
                }
                if (r.hasRemaining()) {
                    regions.add(r);
                }
            }
            if (regions.size() > IOV_MAX) {
                return null;
            }
        }
        long mask = alignment - 1;
        for (ByteBuffer r : regions) {
            long address = PlatformDependent.directBufferAddress(r) + r.position();
            if ((address & mask) != 0 || (r.remaining() & mask) != 0) {
                return null;
            }
        }
        int size = Iovec.LAYOUT.size();
        ByteBuf iov = alloc.directBuffer(regions.size() * size);
        if (!iov.hasMemoryAddress()) {
            iov.release();
            return null;
        }
        long base = iov.memoryAddress();
        for (int i = 0; i < regions.size(); i++) {
            ByteBuffer r = regions.get(i);
            long at = base + (long) i * size;
            NativeMemory.putField(at, Iovec.BASE, PlatformDependent.directBufferAddress(r) + r.position());
            NativeMemory.putField(at, Iovec.LEN, r.remaining());
        }
        iov.writerIndex(regions.size() * size);
        return iov;
    }

    /** The staging buffer's start: its writer index (0) for reads, its reader index (0) for writes. */
    private static long stagingAddress(ByteBuf staging, boolean read) {
        long a = nativeAddress(staging, read);
        if (a == 0) {
            throw new IllegalStateException("staging buffer has no native address: " + staging);
        }
        return a;
    }

    /** The platform's {@code struct iovec}, looked up only when a vectored transfer is built. */
    private static final class Iovec {
        static final StructLayout LAYOUT = Platform.abi().iovec();
        static final StructField BASE = LAYOUT.field("iov_base");
        static final StructField LEN = LAYOUT.field("iov_len");
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.util.internal.PlatformDependent;

/**
 * Off-heap memory that never moves: control blocks, iovec arrays, lio lists. Allocation and freeing are
 * explicit and deterministic; reads and writes go through {@code Unsafe} when Netty has it, else JNA.
 */
public final class NativeMemory {
    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

    private NativeMemory() {
    }

    /**
     * Allocates {@code size} zeroed bytes.
     *
     * @throws OutOfMemoryError if {@code malloc} fails
     */
    public static long allocateZeroed(long size) {
        long address = Native.malloc(size);
        if (address == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") failed");
        }
        zero(address, size);
        return address;
    }

    /**
     * Allocates {@code size} zeroed bytes aligned to {@code alignment} (a power of two), for
     * {@code O_DIRECT} buffers. Free with {@link #freeAligned}.
     *
     * @throws IllegalArgumentException if {@code alignment} is not a power of two
     * @throws OutOfMemoryError if {@code aligned_alloc} fails
     */
    public static long allocateAligned(long alignment, long size) {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        long rounded = (size + alignment - 1) & -alignment;
        long address = LibC.aligned_alloc(alignment, Math.max(rounded, alignment));
        if (address == 0) {
            throw new OutOfMemoryError("aligned_alloc(" + alignment + ", " + size + ") failed");
        }
        zero(address, rounded);
        return address;
    }

    /** Frees memory from {@link #allocateZeroed}; 0 is ignored. */
    public static void free(long address) {
        if (address != 0) {
            Native.free(address);
        }
    }

    /** Frees memory from {@link #allocateAligned}; 0 is ignored. */
    public static void freeAligned(long address) {
        if (address != 0) {
            LibC.free(address);
        }
    }

    /** Sets {@code size} bytes at {@code address} to zero. */
    public static void zero(long address, long size) {
        if (UNSAFE) {
            PlatformDependent.setMemory(address, size, (byte) 0);
        } else {
            new Pointer(address).setMemory(0, size, (byte) 0);
        }
    }

    /** Writes an {@code int} (native byte order). */
    public static void putInt(long address, int value) {
        if (UNSAFE) {
            PlatformDependent.putInt(address, value);
        } else {
            new Pointer(address).setInt(0, value);
        }
    }

    /** Writes a {@code short} (native byte order). */
    public static void putShort(long address, short value) {
        if (UNSAFE) {
            PlatformDependent.putShort(address, value);
        } else {
            new Pointer(address).setShort(0, value);
        }
    }

    /** Writes a {@code long} (native byte order). */
    public static void putLong(long address, long value) {
        if (UNSAFE) {
            PlatformDependent.putLong(address, value);
        } else {
            new Pointer(address).setLong(0, value);
        }
    }

    /** Reads an {@code int}. */
    public static int getInt(long address) {
        return UNSAFE ? PlatformDependent.getInt(address) : new Pointer(address).getInt(0);
    }

    /** Reads an {@code int} with volatile semantics (for fields another thread or the kernel writes). */
    public static int getIntVolatile(long address) {
        return UNSAFE ? PlatformDependent.getVolatileInt(null, address) : new Pointer(address).getInt(0);
    }

    /** Reads a {@code short}. */
    public static short getShort(long address) {
        return UNSAFE ? PlatformDependent.getShort(address) : new Pointer(address).getShort(0);
    }

    /** Reads a {@code long}. */
    public static long getLong(long address) {
        return UNSAFE ? PlatformDependent.getLong(address) : new Pointer(address).getLong(0);
    }

    /**
     * Writes a field of {@code size} 2, 4 or 8 bytes, as described by a {@link StructField}.
     *
     * @throws IllegalArgumentException for any other size
     */
    public static void putField(long base, StructField field, long value) {
        long a = base + field.offset();
        switch (field.size()) {
            case 2:
                putShort(a, (short) value);
                break;
            case 4:
                putInt(a, (int) value);
                break;
            case 8:
                putLong(a, value);
                break;
            default:
                throw new IllegalArgumentException(field + " is not a scalar field");
        }
    }

    /**
     * Reads a field of size 2, 4 or 8 bytes (sign-extended), as described by a {@link StructField}.
     *
     * @throws IllegalArgumentException for any other size
     */
    public static long getField(long base, StructField field) {
        long a = base + field.offset();
        switch (field.size()) {
            case 2:
                return getShort(a);
            case 4:
                return getInt(a);
            case 8:
                return getLong(a);
            default:
                throw new IllegalArgumentException(field + " is not a scalar field");
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Write-then-read-back checks: random bytes written through one lambda and read back through another, compared
 * byte for byte. The lambdas do the I/O (and any waiting, e.g. with {@link Loops#await}), so this class needs no
 * netty-aio type. Everything runs on the calling thread.
 *
 * <p>It is critical that a read lambda returns only once its read has completed: these checks compare what it
 * returned (or filled) right away.
 */
public final class RoundTrips {
    /** Writes {@code data} somewhere. */
    @FunctionalInterface
    public interface BytesWrite {
        /** Writes all of {@code data}. */
        void write(byte[] data) throws Exception;
    }

    /** Reads {@code length} bytes back from where a {@link BytesWrite} wrote them. */
    @FunctionalInterface
    public interface BytesRead {
        /** Returns the bytes read (fewer than {@code length} is a short read, which the check reports). */
        byte[] read(int length) throws Exception;
    }

    /** Writes a buffer's readable bytes somewhere. */
    @FunctionalInterface
    public interface BufferWrite {
        /** Writes the readable bytes of {@code src} (a direct buffer, released by the caller afterwards). */
        void write(ByteBuf src) throws Exception;
    }

    /** Reads bytes back into a buffer. */
    @FunctionalInterface
    public interface BufferRead {
        /** Reads into {@code dst} (direct, empty, of the written length), advancing its writer index. */
        void read(ByteBuf dst) throws Exception;
    }

    private RoundTrips() {
    }

    /** {@code length} random bytes. */
    public static byte[] random(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /**
     * Writes {@code length} random bytes with {@code write}, reads {@code length} back with {@code read}, and
     * returns the bytes written.
     *
     * @throws AssertionError when what was read differs from what was written (first differing index named)
     * @throws Exception      what either lambda threw
     */
    public static byte[] writeThenReadBack(int length, BytesWrite write, BytesRead read) throws Exception {
        byte[] data = random(length);
        write.write(data);
        assertBytesEqual(data, read.read(length));
        return data;
    }

    /**
     * Like {@link #writeThenReadBack(int, BytesWrite, BytesRead)} through direct buffers (both released here
     * afterwards): {@code write} gets the random bytes readable in one, {@code read} fills an empty one.
     *
     * @throws AssertionError when what was read differs from what was written
     * @throws Exception      what either lambda threw
     */
    public static byte[] writeThenReadBack(int length, BufferWrite write, BufferRead read) throws Exception {
        byte[] data = random(length);
        ByteBuf src = Unpooled.directBuffer(Math.max(1, length)).writeBytes(data);
        ByteBuf dst = Unpooled.directBuffer(Math.max(1, length));
        try {
            write.write(src);
            read.read(dst);
            assertBytesEqual(data, ByteBufUtil.getBytes(dst));
        } finally {
            src.release();
            dst.release();
        }
        return data;
    }

    /**
     * Fails unless {@code actual} equals {@code expected}, naming the first index where they differ.
     *
     * @throws AssertionError when they differ
     */
    public static void assertBytesEqual(byte[] expected, byte[] actual) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        int index = Arrays.mismatch(expected, actual);
        throw new AssertionError("read back " + actual.length + " bytes, wrote " + expected.length
                + "; first difference at index " + index);
    }
}

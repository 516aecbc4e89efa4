/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;

import io.github.nettyaio.testing.FdCount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POSIX AIO through the JNA bindings against real files, for real: glibc on Linux here. Completion is
 * awaited with {@code aio_suspend} (with a timeout), never with sleeps.
 */
@EnabledOnOs(OS.LINUX)
class PosixAioTest {
    private static final long TIMEOUT_NANOS = 10_000_000_000L;

    @TempDir
    Path dir;
    private final List<Long> allocations = new ArrayList<>();
    private final List<AioControlBlock> blocks = new ArrayList<>();
    private Map<Integer, String> fdsBefore;
    private Abi abi;
    private AbiConstants constants;

    /**
     * Runs each kind of call once before descriptors are counted: the first use opens descriptors that
     * stay open for the life of the process (libffi's trampoline file, a socket glibc opens on first use),
     * which a per-test count would otherwise report. Each test then checks that it adds none.
     */
    @org.junit.jupiter.api.BeforeAll
    static void warmUp(@TempDir Path tmp) throws IOException {
        PosixAioTest t = new PosixAioTest();
        t.dir = tmp;
        t.abi = Platform.abi();
        t.constants = t.abi.constants();
        t.lioListioWaitWithOneReadAndOneWrite();
        t.writeThenReadBackWithSigevNoneAndAioSuspend();
        t.blocks.forEach(AioControlBlock::free);
        t.allocations.forEach(NativeMemory::free);
    }

    @BeforeEach
    void setUp() {
        abi = Platform.abi();
        constants = abi.constants();
        fdsBefore = FdCount.snapshot();
    }

    @AfterEach
    void tearDown() {
        for (AioControlBlock b : blocks) {
            b.free();
        }
        allocations.forEach(NativeMemory::free);
        assertEquals(List.of(), FdCount.openedSince(fdsBefore), "file descriptors leaked");
    }

    private long alloc(long size) {
        long a = NativeMemory.allocateZeroed(size);
        allocations.add(a);
        return a;
    }

    private AioControlBlock aiocb() {
        AioControlBlock b = AioControlBlock.allocate();
        blocks.add(b);
        return b;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static void copyIn(long address, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            io.netty.util.internal.PlatformDependent.putByte(address + i, data[i]);
        }
    }

    private static byte[] copyOut(long address, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = io.netty.util.internal.PlatformDependent.getByte(address + i);
        }
        return b;
    }

    /** Waits with aio_suspend until {@code cb} is no longer in progress, then returns aio_error. */
    private int await(AioControlBlock cb) {
        long list = alloc(8);
        NativeMemory.putLong(list, cb.address());
        long ts = alloc(16);
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        int err;
        while ((err = cb.aioError()) == constants.EINPROGRESS) {
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "request did not complete in time");
            NativeMemory.putLong(ts, left / 1_000_000_000L);
            NativeMemory.putLong(ts + 8, left % 1_000_000_000L);
            int rc = PosixAio.aio_suspend(list, 1, ts);
            int errno = LibC.errno();
            assertTrue(rc == 0 || errno == constants.EAGAIN || errno == Errno.EINTR,
                    "aio_suspend: " + Errno.format(errno));
        }
        return err;
    }

    @Test
    void writeThenReadBackWithSigevNoneAndAioSuspend() throws IOException {
        Path file = dir.resolve("data.bin");
        byte[] data = random(64 * 1024 + 17);
        try (PosixFileDescriptor fd = PosixFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            long src = alloc(data.length);
            copyIn(src, data);
            AioControlBlock w = aiocb();
            w.prepare(fd.intValue(), 4096, src, data.length, constants.LIO_NOP);
            w.submit(AioControlBlock.Op.WRITE, fd.target(), null);
            assertTrue(w.inFlight());
            assertThrows(IllegalStateException.class, w::free, "an aiocb in flight must not be freed");
            assertEquals(0, await(w));
            assertEquals(data.length, w.aioReturn());

            long dst = alloc(data.length + 100);
            AioControlBlock r = aiocb();
            r.prepare(fd.intValue(), 4096, dst, data.length + 100, constants.LIO_NOP);
            r.submit(AioControlBlock.Op.READ, fd.target(), null);
            assertEquals(0, await(r));
            assertEquals(data.length, r.aioReturn(), "short read at EOF");
            assertArrayEquals(data, copyOut(dst, data.length));

            // The same aiocb is reusable after aio_return: a read at EOF gives 0.
            r.prepare(fd.intValue(), 4096 + data.length, dst, 10, constants.LIO_NOP);
            r.submit(AioControlBlock.Op.READ, fd.target(), null);
            assertEquals(0, await(r));
            assertEquals(0, r.aioReturn());
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(4096 + data.length, onDisk.length);
        assertArrayEquals(data, java.util.Arrays.copyOfRange(onDisk, 4096, onDisk.length));
    }

    @Test
    void aioFsyncBothModes() throws IOException {
        try (PosixFileDescriptor fd = PosixFiles.open(dir.resolve("sync.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            for (AioControlBlock.Op op : List.of(AioControlBlock.Op.FSYNC, AioControlBlock.Op.FDATASYNC)) {
                AioControlBlock s = aiocb();
                s.prepare(fd.intValue(), 0, 0, 0, constants.LIO_NOP);
                s.submit(op, fd.target(), null);
                assertEquals(0, await(s), op.name());
                assertEquals(0, s.aioReturn(), op.name());
            }
        }
    }

    @Test
    void lioListioWaitWithOneReadAndOneWrite() throws IOException {
        Path file = dir.resolve("lio.bin");
        byte[] existing = random(8192);
        Files.write(file, existing);
        byte[] fresh = random(4096);
        try (PosixFileDescriptor fd = PosixFiles.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long readBuf = alloc(4096);
            long writeBuf = alloc(fresh.length);
            copyIn(writeBuf, fresh);
            AioControlBlock read = aiocb();
            read.prepare(fd.intValue(), 0, readBuf, 4096, constants.LIO_READ);
            AioControlBlock write = aiocb();
            write.prepare(fd.intValue(), 8192, writeBuf, fresh.length, constants.LIO_WRITE);
            long list = alloc(16);
            NativeMemory.putLong(list, read.address());
            NativeMemory.putLong(list + 8, write.address());
            read.markSubmitted(null);
            write.markSubmitted(null);
            int rc = PosixAio.lio_listio(constants.LIO_WAIT, list, 2, 0);
            assertEquals(0, rc, "lio_listio: " + Errno.format(LibC.errno()));
            assertEquals(0, read.aioError());
            assertEquals(0, write.aioError());
            assertEquals(4096, read.aioReturn());
            assertEquals(fresh.length, write.aioReturn());
            assertArrayEquals(java.util.Arrays.copyOfRange(existing, 0, 4096), copyOut(readBuf, 4096));
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(fresh, java.util.Arrays.copyOfRange(onDisk, 8192, onDisk.length));
    }

    /**
     * glibc runs one request per descriptor at a time: on a pipe, the first read blocks in a worker thread
     * (AIO_NOTCANCELED) and the second stays queued (AIO_CANCELED, then ECANCELED). A finished request is
     * AIO_ALLDONE.
     */
    @Test
    void aioCancelResults() throws IOException {
        int[] pipe = new int[2];
        assertEquals(0, LibC.pipe(pipe));
        try {
            long buf1 = alloc(1);
            long buf2 = alloc(1);
            AioControlBlock running = aiocb();
            running.prepare(pipe[0], 0, buf1, 1, constants.LIO_NOP);
            running.submit(AioControlBlock.Op.READ, "pipe", null);
            AioControlBlock queued = aiocb();
            queued.prepare(pipe[0], 0, buf2, 1, constants.LIO_NOP);
            queued.submit(AioControlBlock.Op.READ, "pipe", null);

            assertEquals(constants.AIO_CANCELED, queued.cancel(pipe[0], "pipe"));
            assertEquals(constants.ECANCELED, queued.aioError());
            assertEquals(-1, queued.aioReturn());

            int first = running.cancel(pipe[0], "pipe");
            assertTrue(first == constants.AIO_NOTCANCELED || first == constants.AIO_CANCELED,
                    "aio_cancel gave " + first);
            if (first == constants.AIO_NOTCANCELED) {
                long one = alloc(1);
                NativeMemory.putInt(one, 0x2a);
                assertEquals(1, LibC.write(pipe[1], one, 1));
                assertEquals(0, await(running));
                assertEquals(1, running.aioReturn());
                assertEquals(0x2a, io.netty.util.internal.PlatformDependent.getByte(buf1));
            } else {
                assertEquals(constants.ECANCELED, await(running));
                running.aioReturn();
            }
            assertEquals(constants.AIO_ALLDONE, running.cancel(pipe[0], "pipe"));
        } finally {
            LibC.close(pipe[0]);
            LibC.close(pipe[1]);
        }
    }

    @Test
    void badFdIsReportedAsEbadfThroughTheErrnoMapping() throws IOException {
        long buf = alloc(16);
        AioControlBlock r = aiocb();
        int badFd = 1 << 20;
        r.prepare(badFd, 0, buf, 16, constants.LIO_NOP);
        int err;
        try {
            r.submit(AioControlBlock.Op.READ, "fd " + badFd, null);
            err = await(r);
            assertEquals(-1, r.aioReturn());
        } catch (ErrnoException e) {
            err = e.errno(); // kernels that validate the fd at submission (FreeBSD)
        }
        assertEquals(Errno.EBADF, err);
        IOException e = Errno.newException("aio_read", "fd " + badFd, err);
        ErrnoException ee = assertInstanceOf(ErrnoException.class, e);
        assertEquals("EBADF", ee.errnoName());
        assertEquals("aio_read(fd " + badFd + "): EBADF (Bad file descriptor)", e.getMessage());
    }

    @Test
    void cancelOnABadFdThrowsEbadf() {
        AioControlBlock b = aiocb();
        ErrnoException e = assertThrows(ErrnoException.class, () -> b.cancel(1 << 20, "fd 1048576"));
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.getMessage().startsWith("aio_cancel(fd 1048576): EBADF"), e.getMessage());
    }

    /** The iovec layout (not in the ABI tables for glibc) is verified here by a real preadv through it. */
    @Test
    void iovecLayoutWorksWithPreadv() throws IOException {
        Path file = dir.resolve("v.bin");
        byte[] data = random(300);
        Files.write(file, data);
        StructLayout iov = abi.iovec();
        long a = alloc(100);
        long b = alloc(200);
        long vec = alloc(2L * iov.size());
        NativeMemory.putField(vec, iov.field("iov_base"), a);
        NativeMemory.putField(vec, iov.field("iov_len"), 100);
        NativeMemory.putField(vec + iov.size(), iov.field("iov_base"), b);
        NativeMemory.putField(vec + iov.size(), iov.field("iov_len"), 200);
        try (PosixFileDescriptor fd = PosixFiles.open(file)) {
            assertEquals(300, LibC.preadv(fd.intValue(), vec, 2, 0));
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 100), copyOut(a, 100));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 300), copyOut(b, 200));
    }

    @Test
    void freedBlocksRefuseUse() {
        AioControlBlock b = AioControlBlock.allocate();
        b.free();
        b.free();
        assertTrue(b.isFreed());
        assertThrows(IllegalStateException.class, () -> b.prepare(0, 0, 0, 0, constants.LIO_NOP));
        assertThrows(IllegalStateException.class, b::aioError);
        assertFalse(b.inFlight());
    }
}

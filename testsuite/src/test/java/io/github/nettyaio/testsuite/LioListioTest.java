/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.Aio;
import io.github.nettyaio.source.LioListio;
import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static io.github.nettyaio.testsuite.AioTestSupport.roundTrip;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LioListio} through {@link Aio#newForLio} on every loop type: mio-aio 0.7's LIO tests (one read,
 * one write, two reads, read + write, an error on a bad fd) and the state rules. Not covered here: a list
 * the kernel accepts only in part (EAGAIN per entry) — glibc queues every entry it can allocate memory
 * for, so refusal can't be provoked on this machine; that path is exercised on FreeBSD only.
 */
@EnabledOnOs(OS.LINUX)
class LioListioTest {
    @TempDir
    Path dir;

    static List<LoopType> loops() {
        return LoopType.available();
    }

    @AfterAll
    static void shutdown() {
        AioTestSupport.shutdownAll();
    }


    /** Submits {@code lio} on the loop, waits for readiness, checks completeness, returns. */
    private static void run(IoEventLoop loop, LioListio lio) throws Exception {
        await(roundTrip(loop, lio, LioListio::submit, l -> {
            assertTrue(l.isComplete());
            assertEquals(0, l.refused());
            assertEquals(0, l.resubmitRemaining());
            return 0;
        }, true));
    }

    @ParameterizedTest
    @MethodSource("loops")
    void oneRead(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(5000);
        ByteBuf dst = Unpooled.directBuffer(1000);
        try (PosixFileDescriptor fd = PosixFiles.open(Files.write(dir.resolve("r.bin"), data))) {
            LioListio lio = new LioListio();
            int i = lio.addRead(fd, 100, dst);
            run(loop, lio);
            assertEquals(1000, lio.result(i));
            assertArrayEquals(Arrays.copyOfRange(data, 100, 1100), ByteBufUtil.getBytes(dst));
            assertThrows(IllegalStateException.class, () -> lio.result(i), "reaped exactly once");
        } finally {
            dst.release();
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void oneWrite(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        Path f = dir.resolve("w.bin");
        byte[] data = random(3000);
        ByteBuf src = Unpooled.wrappedBuffer(data);
        try (PosixFileDescriptor fd = PosixFiles.open(f, java.nio.file.StandardOpenOption.CREATE_NEW, WRITE)) {
            LioListio lio = new LioListio();
            int i = lio.addWrite(fd, 0, src);
            run(loop, lio);
            assertEquals(3000, lio.result(i));
            assertEquals(3000, src.readerIndex());
        } finally {
            src.release();
        }
        assertArrayEquals(data, Files.readAllBytes(f));
    }

    @ParameterizedTest
    @MethodSource("loops")
    void twoReadsAndReadPlusWrite(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        Path f = dir.resolve("rw.bin");
        byte[] data = random(8192);
        Files.write(f, data);
        byte[] fresh = random(1000);
        ByteBuf a = Unpooled.directBuffer(100);
        ByteBuf b = Unpooled.buffer(200);
        ByteBuf c = Unpooled.directBuffer(500);
        ByteBuf w = Unpooled.directBuffer(1000).writeBytes(fresh);
        try (PosixFileDescriptor fd = PosixFiles.open(f, READ, WRITE)) {
            LioListio two = new LioListio();
            int ia = two.addRead(fd, 0, a);
            int ib = two.addRead(fd, 4000, b);
            run(loop, two);
            assertEquals(100, two.result(ia));
            assertEquals(200, two.result(ib));
            assertArrayEquals(Arrays.copyOfRange(data, 0, 100), ByteBufUtil.getBytes(a));
            assertArrayEquals(Arrays.copyOfRange(data, 4000, 4200), ByteBufUtil.getBytes(b));

            LioListio mixed = new LioListio();
            int ir = mixed.addRead(fd, 1000, c);
            int iw = mixed.addWrite(fd, 8192, w);
            assertEquals(2, mixed.size());
            run(loop, mixed);
            assertEquals(500, mixed.result(ir));
            assertEquals(1000, mixed.result(iw));
            assertArrayEquals(Arrays.copyOfRange(data, 1000, 1500), ByteBufUtil.getBytes(c));
        } finally {
            a.release();
            b.release();
            c.release();
            w.release();
        }
        byte[] disk = Files.readAllBytes(f);
        assertArrayEquals(fresh, Arrays.copyOfRange(disk, 8192, disk.length));
    }

    /** mio-aio's "EIO" case: one entry on a bad fd fails with its own errno; the others are unaffected. */
    @ParameterizedTest
    @MethodSource("loops")
    void anEntryOnABadFdFailsAlone(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(100);
        ByteBuf good = Unpooled.directBuffer(100);
        ByteBuf bad = Unpooled.directBuffer(100);
        try (PosixFileDescriptor fd = PosixFiles.open(Files.write(dir.resolve("e.bin"), data))) {
            LioListio lio = new LioListio();
            int ig = lio.addRead(fd, 0, good);
            int ib = lio.addRead(new FileDescriptor(1 << 20), 0, bad);
            try {
                run(loop, lio);
            } catch (ErrnoException e) {
                // FreeBSD validates descriptors in lio_listio itself: EIO for the list, EBADF per entry
                assertEquals("EIO", e.errnoName());
            }
            assertEquals(100, lio.result(ig));
            ErrnoException e = assertThrows(ErrnoException.class, () -> lio.result(ib));
            assertEquals("EBADF", e.errnoName());
            assertEquals(0, bad.writerIndex());
            assertArrayEquals(data, ByteBufUtil.getBytes(good));
        } finally {
            good.release();
            bad.release();
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void stateRules(LoopType type) throws Exception {
        LioListio empty = new LioListio();
        assertThrows(IllegalStateException.class, empty::submit, "empty batch");
        assertThrows(IllegalStateException.class, empty::isComplete, "not submitted");
        ByteBuf dst = Unpooled.directBuffer(10);
        try (PosixFileDescriptor fd = PosixFiles.open(Files.write(dir.resolve("s.bin"), random(10)))) {
            LioListio lio = new LioListio();
            int i = lio.addRead(fd, 0, dst);
            assertThrows(IllegalStateException.class, () -> lio.result(i), "not submitted");
            assertThrows(IllegalArgumentException.class, () -> lio.addRead(fd, -5, dst));
            run(AioTestSupport.loop(type), lio);
            assertThrows(IllegalStateException.class, lio::submit, "submitted twice");
            assertThrows(IllegalStateException.class, () -> lio.addRead(fd, 0, dst), "added after submit");
            assertThrows(IndexOutOfBoundsException.class, () -> lio.result(5));
            assertEquals(10, lio.result(i));
        } finally {
            dst.release();
        }
    }
}

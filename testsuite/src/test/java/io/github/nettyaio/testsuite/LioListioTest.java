/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.Aio;
import io.github.nettyaio.AioEvent;
import io.github.nettyaio.source.LioListio;
import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
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
import static io.github.nettyaio.testsuite.AioTestSupport.onLoop;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static io.github.nettyaio.testsuite.AioTestSupport.roundTrip;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LioListio} through {@link Aio#newForLio} on every loop type: mio-aio 0.7's LIO tests (one read,
 * one write, two reads, read + write, an error on a bad fd), the state rules, and reuse of one batch on one
 * Aio round after round (Tokio's {@code io_poll_aio.rs} lio {@code reuse}). Not covered here: a list
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
        ByteBuf mixedDst = Unpooled.directBuffer(500);
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
            int ir = mixed.addRead(fd, 1000, mixedDst);
            int iw = mixed.addWrite(fd, 8192, w);
            assertEquals(2, mixed.size());
            run(loop, mixed);
            assertEquals(500, mixed.result(ir));
            assertEquals(1000, mixed.result(iw));
            assertArrayEquals(Arrays.copyOfRange(data, 1000, 1500), ByteBufUtil.getBytes(mixedDst));
        } finally {
            a.release();
            b.release();
            mixedDst.release();
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

    // ---- tokio io_poll_aio.rs, mod lio: reuse ----

    /**
     * Tokio's lio {@code reuse}: one batch on one Aio for three rounds of submit, ready, results, clearReady.
     * Every round brings new data (a stale round can't pass); each submit takes the buffers' indices anew: the
     * heap read (through a bounce buffer) appends at its writer index, the writes send what is readable now.
     */
    @ParameterizedTest
    @MethodSource("loops")
    void reuseOneBatchForThreeRounds(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        int n = 1000;
        int rounds = 3;
        Path in = Files.write(dir.resolve("in.bin"), random(n));
        Path out = dir.resolve("out.bin");
        ByteBuf dst = Unpooled.buffer(rounds * n, rounds * n);
        ByteBuf direct = Unpooled.directBuffer(n);
        ByteBuf heap = Unpooled.buffer(n);
        byte[] expectRead = new byte[rounds * n];
        try (PosixFileDescriptor rfd = PosixFiles.open(in, READ);
             PosixFileDescriptor wfd = PosixFiles.open(out, CREATE_NEW, WRITE)) {
            LioListio lio = new LioListio();
            int r = lio.addRead(rfd, 0, dst);
            int w1 = lio.addWrite(wfd, 0, direct);
            int w2 = lio.addWrite(wfd, n, heap);
            Aio<LioListio> aio = onLoop(loop, () -> Aio.newForLio(loop, lio));
            AioEvent previous = null;
            for (int round = 0; round < rounds; round++) {
                byte[] input = random(n);
                byte[] a = random(n);
                byte[] b = random(n);
                Files.write(in, input); // the same file: rfd reads the new content
                System.arraycopy(input, 0, expectRead, round * n, n);
                direct.clear().writeBytes(a);
                heap.clear().writeBytes(b);
                Future<AioEvent> ready = onLoop(loop, () -> {
                    lio.submit();
                    return aio.ready();
                });
                AioEvent event = await(ready);
                assertNotSame(previous, event, "round " + round);
                previous = event;
                onLoop(loop, () -> {
                    assertTrue(lio.isComplete());
                    assertEquals(0, lio.refused());
                    assertEquals(n, lio.result(r), "the read is short at EOF: n of the writable bytes");
                    assertEquals(n, lio.result(w1));
                    assertEquals(n, lio.result(w2));
                    aio.clearReady(event);
                    assertFalse(aio.ready().isDone(), "not ready again until the next round completes");
                    return null;
                });
                assertEquals((round + 1) * n, dst.writerIndex(), "round " + round);
                assertArrayEquals(Arrays.copyOf(expectRead, (round + 1) * n), ByteBufUtil.getBytes(dst));
                assertEquals(n, direct.readerIndex());
                assertEquals(n, heap.readerIndex());
                byte[] disk = Files.readAllBytes(out);
                assertArrayEquals(a, Arrays.copyOfRange(disk, 0, n), "round " + round);
                assertArrayEquals(b, Arrays.copyOfRange(disk, n, 2 * n), "round " + round);
                for (ByteBuf buf : List.of(dst, direct, heap)) {
                    assertEquals(1, buf.refCnt(), "the batch keeps no reference between rounds");
                }
            }
            onLoop(loop, () -> {
                aio.close();
                return null;
            });
        } finally {
            dst.release();
            direct.release();
            heap.release();
        }
    }

    /**
     * {@code submit()} (and adding a request) is refused, naming the request, while any result of the round is
     * unread: first with a read of an empty pipe in flight, then with the read reaped but the write not. The
     * refused calls leave the round alone: it completes with the right data, and the next round runs.
     */
    @ParameterizedTest
    @MethodSource("loops")
    void submitBeforeEveryResultIsReadFailsAndDisturbsNothing(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        int[] pipe = new int[2];
        assertEquals(0, LibC.pipe(pipe));
        Path out = dir.resolve("p.bin");
        int rounds = 2;
        ByteBuf fromPipe = Unpooled.directBuffer(4 * rounds, 4 * rounds);
        ByteBuf src = Unpooled.buffer(100);
        byte[] expectPiped = new byte[4 * rounds];
        try (PosixFileDescriptor wfd = PosixFiles.open(out, CREATE_NEW, WRITE)) {
            LioListio lio = new LioListio();
            int p = lio.addRead(new FileDescriptor(pipe[0]), 0, fromPipe);
            int w = lio.addWrite(wfd, 0, src);
            Aio<LioListio> aio = onLoop(loop, () -> Aio.newForLio(loop, lio));
            for (int round = 0; round < rounds; round++) {
                byte[] data = random(100);
                byte[] piped = random(4);
                System.arraycopy(piped, 0, expectPiped, 4 * round, 4);
                src.clear().writeBytes(data);
                Future<AioEvent> ready = onLoop(loop, () -> {
                    lio.submit();
                    // The pipe read stays in flight until the test writes into the pipe.
                    IllegalStateException e = assertThrows(IllegalStateException.class, lio::submit);
                    assertTrue(e.getMessage().contains("request " + p), e.getMessage());
                    e = assertThrows(IllegalStateException.class, () -> lio.addWrite(wfd, 0, src));
                    assertTrue(e.getMessage().contains("request " + p), e.getMessage());
                    assertEquals(2, lio.size());
                    assertFalse(lio.isComplete());
                    assertThrows(IllegalStateException.class, () -> lio.result(p), "still in progress");
                    return aio.ready();
                });
                assertFalse(ready.isDone(), "the pipe read is still in flight");
                writeAll(pipe[1], piped);
                AioEvent event = await(ready);
                onLoop(loop, () -> {
                    assertTrue(lio.isComplete());
                    assertEquals(4, lio.result(p));
                    IllegalStateException e = assertThrows(IllegalStateException.class, lio::submit);
                    assertTrue(e.getMessage().contains("request " + w), e.getMessage());
                    assertEquals(100, lio.result(w));
                    assertThrows(IllegalStateException.class, () -> lio.result(w), "reaped exactly once a round");
                    aio.clearReady(event);
                    return null;
                });
                assertArrayEquals(Arrays.copyOf(expectPiped, 4 * (round + 1)), ByteBufUtil.getBytes(fromPipe));
                assertArrayEquals(data, Files.readAllBytes(out), "round " + round);
                assertEquals(100, src.readerIndex());
            }
            onLoop(loop, () -> {
                aio.close();
                return null;
            });
        } finally {
            LibC.close(pipe[1]); // a read still in flight after a failure sees EOF and completes
            LibC.close(pipe[0]);
            fromPipe.release();
            src.release();
        }
    }

    /**
     * Many rounds of one batch of four requests (heap and direct reads and writes, each round new data) on one
     * Aio: no round mixes up requests, buffers or control blocks with another, and no buffer stays retained
     * (the leak detector would report a staging buffer kept across rounds). Between rounds the idle batch may
     * grow; a failed request's result counts as read.
     */
    @ParameterizedTest
    @MethodSource("loops")
    void manyRoundsStayApartAndAnIdleBatchMayGrow(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        int n = 512;
        int rounds = 20;
        Path in = Files.write(dir.resolve("m-in.bin"), random(2 * n));
        Path out = dir.resolve("m-out.bin");
        ByteBuf heapDst = Unpooled.buffer(n);
        ByteBuf directDst = Unpooled.directBuffer(n);
        ByteBuf heapSrc = Unpooled.buffer(n);
        ByteBuf directSrc = Unpooled.directBuffer(n);
        ByteBuf bad = Unpooled.directBuffer(8);
        List<ByteBuf> bufs = List.of(heapDst, directDst, heapSrc, directSrc, bad);
        try (PosixFileDescriptor rfd = PosixFiles.open(in, READ);
             PosixFileDescriptor wfd = PosixFiles.open(out, CREATE_NEW, WRITE)) {
            LioListio lio = new LioListio();
            int[] idx = {lio.addRead(rfd, 0, heapDst), lio.addRead(rfd, n, directDst),
                    lio.addWrite(wfd, 0, heapSrc), lio.addWrite(wfd, n, directSrc)};
            Aio<LioListio> aio = onLoop(loop, () -> Aio.newForLio(loop, lio));
            int badIndex = -1;
            for (int round = 0; round < rounds; round++) {
                byte[] input = random(2 * n);
                byte[] a = random(n);
                byte[] b = random(n);
                Files.write(in, input);
                heapDst.clear();
                directDst.clear();
                heapSrc.clear().writeBytes(a);
                directSrc.clear().writeBytes(b);
                if (round == rounds / 2) {
                    int added = onLoop(loop, () -> lio.addRead(new FileDescriptor(1 << 20), 0, bad));
                    assertEquals(4, added);
                    badIndex = added;
                }
                int failing = badIndex;
                AioEvent event = await(onLoop(loop, () -> {
                    lio.submit();
                    return aio.ready();
                }));
                onLoop(loop, () -> {
                    for (int i : idx) {
                        assertEquals(n, lio.result(i));
                    }
                    if (failing >= 0) {
                        ErrnoException e = assertThrows(ErrnoException.class, () -> lio.result(failing));
                        assertEquals("EBADF", e.errnoName());
                    }
                    aio.clearReady(event);
                    return null;
                });
                assertArrayEquals(Arrays.copyOfRange(input, 0, n), ByteBufUtil.getBytes(heapDst), "round " + round);
                assertArrayEquals(Arrays.copyOfRange(input, n, 2 * n), ByteBufUtil.getBytes(directDst));
                byte[] disk = Files.readAllBytes(out);
                assertArrayEquals(a, Arrays.copyOfRange(disk, 0, n), "round " + round);
                assertArrayEquals(b, Arrays.copyOfRange(disk, n, 2 * n), "round " + round);
                assertEquals(0, bad.writerIndex());
                for (ByteBuf buf : bufs) {
                    assertEquals(1, buf.refCnt(), "round " + round);
                }
            }
            assertEquals(5, lio.size());
            onLoop(loop, () -> {
                aio.close();
                return null;
            });
        } finally {
            for (ByteBuf buf : bufs) {
                buf.release();
            }
        }
    }

    /** Writes all of {@code data} to {@code fd} (a pipe). */
    private static void writeAll(int fd, byte[] data) {
        ByteBuf mem = Unpooled.directBuffer(data.length).writeBytes(data);
        try {
            assertTrue(mem.hasMemoryAddress());
            assertEquals(data.length, LibC.write(fd, mem.memoryAddress(), data.length));
        } finally {
            mem.release();
        }
    }
}

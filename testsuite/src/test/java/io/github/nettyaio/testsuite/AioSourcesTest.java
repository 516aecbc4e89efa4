/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.Aio;
import io.github.nettyaio.AioEvent;
import io.github.nettyaio.source.AioCancelResult;
import io.github.nettyaio.source.AioFsync;
import io.github.nettyaio.source.AioFsyncMode;
import io.github.nettyaio.source.AioRead;
import io.github.nettyaio.source.AioReadv;
import io.github.nettyaio.source.AioWrite;
import io.github.nettyaio.source.AioWritev;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.github.nettyaio.testing.FdCount;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static io.github.nettyaio.testsuite.AioTestSupport.onLoop;
import static io.github.nettyaio.testsuite.AioTestSupport.roundTrip;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aiocb sources driven by {@link Aio} on every event-loop type this machine runs, against real files
 * with real POSIX AIO (glibc here). Ported and adapted from tokio's {@code tests/io_poll_aio.rs}, mio-aio's
 * {@code tests/test.rs}, nix's {@code test/sys/test_aio.rs} and tokio-file's {@code tests/file.rs}, plus what
 * none of them covers (EOF, zero length, errors through {@code result()}, {@code result()} twice, loop
 * shutdown with requests in flight, reuse after {@code clearReady}, the completion thread).
 */
@EnabledOnOs(OS.LINUX)
class AioSourcesTest {
    @TempDir
    Path dir;
    private Map<Integer, String> fdsBefore;
    private final List<FileDescriptor> fds = new ArrayList<>();

    static List<LoopType> loops() {
        return LoopType.available();
    }

    @BeforeEach
    void countFds() throws Exception {
        for (LoopType t : loops()) {
            AioTestSupport.loop(t); // create the loops (and their fds) before counting
        }
        warmUpReaper();
        fdsBefore = FdCount.snapshot();
    }

    @AfterEach
    void closeAndCheckFds() throws IOException {
        for (FileDescriptor fd : fds) {
            fd.close();
        }
        assertEquals(List.of(), FdCount.openedSince(fdsBefore), "file descriptors leaked");
    }

    @AfterAll
    static void shutdown() {
        AioTestSupport.shutdownAll();
    }

    /** The reaper's eventfd is created once per process, on first use. */
    private void warmUpReaper() throws Exception {
        IoEventLoop loop = AioTestSupport.loop(LoopType.NIO);
        Path f = Files.createTempFile(dir, "warm", ".bin");
        try (PosixFileDescriptor fd = PosixFiles.open(f, WRITE)) {
            AioFsync s = new AioFsync(fd, AioFsyncMode.FSYNC);
            await(roundTrip(loop, s, AioFsync::submit, AioFsync::result, false));
        }
    }

    private PosixFileDescriptor open(Path p, java.nio.file.OpenOption... o) throws IOException {
        PosixFileDescriptor fd = PosixFiles.open(p, o);
        fds.add(fd);
        return fd;
    }

    private Path fileWith(byte[] data) throws IOException {
        return Files.write(Files.createTempFile(dir, "data", ".bin"), data);
    }

    // ---- tokio io_poll_aio.rs: aio::once / fsync ----

    @ParameterizedTest
    @MethodSource("loops")
    void fsyncOnceBothModes(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        PosixFileDescriptor fd = open(fileWith(random(100)), READ, WRITE);
        for (AioFsyncMode mode : AioFsyncMode.values()) {
            AioFsync s = new AioFsync(fd, mode);
            assertEquals(0L, await(roundTrip(loop, s, AioFsync::submit, AioFsync::result, false)));
        }
    }

    // ---- mio-aio read_at / nix test_read ----

    @ParameterizedTest
    @MethodSource("loops")
    void readAtDirectBuffer(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(10_000);
        PosixFileDescriptor fd = open(fileWith(data));
        ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(3000);
        try {
            dst.writeBytes(new byte[] {1, 2, 3});
            AioRead r = new AioRead(fd, 1234, dst);
            assertEquals(2997L, await(roundTrip(loop, r, AioRead::submit, AioRead::result, false)));
            assertEquals(3000, dst.writerIndex());
            assertArrayEquals(Arrays.copyOfRange(data, 1234, 1234 + 2997), ByteBufUtil.getBytes(dst, 3, 2997));
            assertEquals(1, dst.refCnt(), "the library released what it retained");
        } finally {
            dst.release();
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void readAtHeapAndCompositeBuffersGoThroughStaging(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(8192);
        PosixFileDescriptor fd = open(fileWith(data));
        ByteBuf heap = Unpooled.buffer(1000);
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(false, Unpooled.directBuffer(500));
        composite.addComponent(false, Unpooled.buffer(500));
        composite.capacity(1000);
        try {
            AioRead r1 = new AioRead(fd, 0, heap);
            assertEquals(1000L, await(roundTrip(loop, r1, AioRead::submit, AioRead::result, false)));
            assertArrayEquals(Arrays.copyOfRange(data, 0, 1000), ByteBufUtil.getBytes(heap));
            AioRead r2 = new AioRead(fd, 5000, composite);
            long n = await(roundTrip(loop, r2, AioRead::submit, AioRead::result, false));
            assertEquals(composite.writerIndex(), n);
            assertArrayEquals(Arrays.copyOfRange(data, 5000, 5000 + (int) n), ByteBufUtil.getBytes(composite));
        } finally {
            heap.release();
            composite.release();
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void readAtAndAfterEofGivesZero(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        PosixFileDescriptor fd = open(fileWith(random(100)));
        ByteBuf dst = Unpooled.directBuffer(64);
        try {
            for (long offset : new long[] {100, 1 << 20}) {
                AioRead r = new AioRead(fd, offset, dst);
                assertEquals(0L, await(roundTrip(loop, r, AioRead::submit, AioRead::result, false)));
                assertEquals(0, dst.writerIndex());
            }
            AioRead partial = new AioRead(fd, 90, dst);
            assertEquals(10L, await(roundTrip(loop, partial, AioRead::submit, AioRead::result, false)));
        } finally {
            dst.release();
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void zeroLengthReadAndWrite(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        PosixFileDescriptor fd = open(fileWith(random(100)), READ, WRITE);
        ByteBuf full = Unpooled.directBuffer(4).writeInt(7);
        ByteBuf empty = Unpooled.EMPTY_BUFFER;
        try {
            AioRead r = new AioRead(fd, 0, full); // no writable bytes
            assertEquals(0L, await(roundTrip(loop, r, AioRead::submit, AioRead::result, false)));
            AioWrite w = new AioWrite(fd, 50, empty);
            assertEquals(0L, await(roundTrip(loop, w, AioWrite::submit, AioWrite::result, false)));
        } finally {
            full.release();
        }
    }

    // ---- mio-aio write_at / nix test_write ----

    @ParameterizedTest
    @MethodSource("loops")
    void writeAtThenReadBackFromDisk(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        Path f = fileWith(new byte[0]);
        PosixFileDescriptor fd = open(f, WRITE);
        byte[] data = random(70_000);
        ByteBuf src = Unpooled.wrappedBuffer(data); // heap
        try {
            AioWrite w = new AioWrite(fd, 4096, src);
            assertEquals((long) data.length, await(roundTrip(loop, w, AioWrite::submit, AioWrite::result, false)));
            assertEquals(data.length, src.readerIndex());
        } finally {
            src.release();
        }
        byte[] disk = Files.readAllBytes(f);
        assertEquals(4096 + data.length, disk.length);
        assertArrayEquals(new byte[4096], Arrays.copyOfRange(disk, 0, 4096));
        assertArrayEquals(data, Arrays.copyOfRange(disk, 4096, disk.length));
    }

    // ---- mio-aio readv_at / writev_at ----

    @ParameterizedTest
    @MethodSource("loops")
    void writevThenReadv(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        Path f = fileWith(new byte[0]);
        PosixFileDescriptor fd = open(f, READ, WRITE);
        byte[] a = random(100);
        byte[] b = random(3000);
        byte[] last = random(7);
        ByteBuf[] srcs = {Unpooled.wrappedBuffer(a), Unpooled.directBuffer(3000).writeBytes(b),
            Unpooled.wrappedBuffer(last)};
        ByteBuf[] dsts = {Unpooled.directBuffer(50), Unpooled.buffer(3000), Unpooled.directBuffer(100)};
        try {
            AioWritev w = new AioWritev(fd, 10, srcs);
            assertEquals(3107L, await(roundTrip(loop, w, AioWritev::submit, AioWritev::result, false)));
            for (ByteBuf s : srcs) {
                assertFalse(s.isReadable());
            }
            AioReadv r = new AioReadv(fd, 10, dsts);
            assertEquals(3107L, await(roundTrip(loop, r, AioReadv::submit, AioReadv::result, false)));
            assertEquals(50, dsts[0].readableBytes());
            assertEquals(3000, dsts[1].readableBytes());
            assertEquals(57, dsts[2].readableBytes());
            byte[] all = new byte[3107];
            System.arraycopy(a, 0, all, 0, 100);
            System.arraycopy(b, 0, all, 100, 3000);
            System.arraycopy(last, 0, all, 3100, 7);
            byte[] back = new byte[3107];
            dsts[0].readBytes(back, 0, 50);
            dsts[1].readBytes(back, 50, 3000);
            dsts[2].readBytes(back, 3050, 57);
            assertArrayEquals(all, back);
            assertArrayEquals(all, Arrays.copyOfRange(Files.readAllBytes(f), 10, 3117));
        } finally {
            for (ByteBuf x : srcs) {
                x.release();
            }
            for (ByteBuf x : dsts) {
                x.release();
            }
        }
    }

    // ---- errors arrive through result() ----

    @ParameterizedTest
    @MethodSource("loops")
    void errorArrivesThroughResult(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        Path f = fileWith(random(100));
        PosixFileDescriptor writeOnly = open(f, WRITE);
        ByteBuf dst = Unpooled.directBuffer(10);
        try {
            AioRead r = new AioRead(writeOnly, 0, dst);
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> await(roundTrip(loop, r, AioRead::submit, AioRead::result, false)));
            assertEquals("EBADF", e.errnoName());
            assertEquals("aio_read(" + f + "): EBADF (Bad file descriptor)", e.getMessage());
            assertEquals(0, dst.writerIndex(), "indices move only on success");
            assertEquals(1, dst.refCnt());
        } finally {
            dst.release();
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void resultTwiceAndBeforeSubmitAreIllegalState(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        PosixFileDescriptor fd = open(fileWith(random(10)), READ, WRITE);
        AioFsync s = new AioFsync(fd, AioFsyncMode.FSYNC);
        assertThrows(IllegalStateException.class, s::result);
        await(roundTrip(loop, s, AioFsync::submit, AioFsync::result, false));
        IllegalStateException e = assertThrows(IllegalStateException.class, s::result);
        assertTrue(e.getMessage().contains("already"), e.getMessage());
        assertEquals(AioCancelResult.ALL_DONE, s.cancel(), "nothing in flight");
        assertFalse(s.inProgress());
    }

    @ParameterizedTest
    @MethodSource("loops")
    void argumentErrorsBeforeAnyIo(LoopType type) throws Exception {
        PosixFileDescriptor fd = open(fileWith(random(10)));
        assertThrows(IllegalArgumentException.class, () -> new AioRead(fd, -1, Unpooled.EMPTY_BUFFER));
        ByteBuf released = Unpooled.directBuffer(8);
        released.release();
        AioRead r = new AioRead(fd, 0, released);
        assertThrows(IllegalReferenceCountException.class, r::submit);
        ByteBuf ro = Unpooled.directBuffer(8).asReadOnly();
        try {
            assertThrows(IllegalArgumentException.class, () -> new AioRead(fd, 0, ro).submit());
        } finally {
            ro.release();
        }
        PosixFileDescriptor closed = PosixFiles.open(fileWith(random(10)));
        closed.close();
        assertThrows(ClosedChannelException.class, () -> new AioFsync(closed, AioFsyncMode.FSYNC).submit());
        assertEquals(0, AioControlBlock.inFlightCount() - AioControlBlock.inFlightCount());
    }

    // ---- tokio io_poll_aio.rs: multishot / reuse after clearReady ----

    @ParameterizedTest
    @MethodSource("loops")
    void reuseTheSameAioAfterClearReady(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(300);
        PosixFileDescriptor fd = open(fileWith(data));
        ByteBuf dst = Unpooled.directBuffer(300);
        try {
            AioRead r = new AioRead(fd, 0, dst.capacity(100) == dst ? dst : dst);
            Aio<AioRead> aio = onLoop(loop, () -> {
                Aio<AioRead> a = Aio.newForAio(loop, r);
                r.submit();
                return a;
            });
            AioEvent first = aio.ready().get(10, TimeUnit.SECONDS);
            long n1 = onLoop(loop, () -> {
                long n = r.result();
                aio.clearReady(first);
                dst.capacity(300);
                r.submit(); // the same source again: the request is redefined at submit time (offset 0, 200 writable)
                return n;
            });
            assertEquals(100, n1);
            Future<AioEvent> second = aio.ready();
            AioEvent ev2 = second.get(10, TimeUnit.SECONDS);
            assertNotSame(first, ev2);
            long n2 = onLoop(loop, r::result);
            assertEquals(200, n2);
            byte[] expect = new byte[300];
            System.arraycopy(data, 0, expect, 0, 100);
            System.arraycopy(data, 0, expect, 100, 200);
            assertArrayEquals(expect, ByteBufUtil.getBytes(dst));
            onLoop(loop, () -> {
                aio.close();
                return null;
            });
            assertInstanceOf(ClosedChannelException.class, aio.ready().cause());
        } finally {
            dst.release();
        }
    }

    // ---- nix test_cancel: a request on a pipe stays in progress until data arrives ----

    @ParameterizedTest
    @MethodSource("loops")
    void inProgressCancelAndEarlyBufferRelease(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        int[] pipe = new int[2];
        assertEquals(0, LibC.pipe(pipe));
        FileDescriptor rd = new FileDescriptor(pipe[0]) {
            @Override
            public void close() {
                LibC.close(intValue());
            }
        };
        ByteBuf first = Unpooled.directBuffer(4);
        ByteBuf second = Unpooled.directBuffer(4);
        try {
            AioRead running = new AioRead(rd, 0, first);
            AioRead queued = new AioRead(rd, 0, second);
            Aio<AioRead> aioRunning = onLoop(loop, () -> {
                Aio<AioRead> a = Aio.newForAio(loop, running);
                running.submit();
                return a;
            });
            Aio<AioRead> aioQueued = onLoop(loop, () -> {
                Aio<AioRead> a = Aio.newForAio(loop, queued);
                queued.submit();
                return a;
            });
            assertTrue(onLoop(loop, running::inProgress));
            assertThrows(IllegalStateException.class, () -> onLoop(loop, running::result), "result while in progress");
            // glibc runs one request per fd: the second is still queued and can be cancelled.
            assertEquals(AioCancelResult.CANCELED, onLoop(loop, queued::cancel));
            aioQueued.ready().get(10, TimeUnit.SECONDS);
            ErrnoException cancelled = assertThrows(ErrnoException.class, () -> onLoop(loop, queued::result));
            assertEquals("ECANCELED", cancelled.errnoName());
            // The caller lets go of the running request's buffer early: the library's reference keeps it alive.
            first.release();
            assertEquals(1, first.refCnt());
            assertEquals(AioCancelResult.NOT_CANCELED, onLoop(loop, running::cancel));
            long one = io.github.nettyaio.sys.internal.NativeMemory.allocateZeroed(8);
            try {
                io.github.nettyaio.sys.internal.NativeMemory.putInt(one, 0x01020304);
                assertEquals(4, LibC.write(pipe[1], one, 4));
            } finally {
                io.github.nettyaio.sys.internal.NativeMemory.free(one);
            }
            aioRunning.ready().get(10, TimeUnit.SECONDS);
            assertEquals(4L, (long) onLoop(loop, running::result));
            assertEquals(0, first.refCnt(), "released once the kernel was done");
            onLoop(loop, () -> {
                aioRunning.close();
                aioQueued.close();
                return null;
            });
        } finally {
            second.release();
            LibC.close(pipe[0]);
            LibC.close(pipe[1]);
        }
    }

    // ---- loop shutdown with a request in flight ----

    @ParameterizedTest
    @MethodSource("loops")
    void loopShutdownWithRequestInFlightFailsReadyAndKeepsMemory(LoopType type) throws Exception {
        IoEventLoopGroup group = type.newGroup(1);
        IoEventLoop loop = LoopType.loop(group);
        int[] pipe = new int[2];
        assertEquals(0, LibC.pipe(pipe));
        FileDescriptor rd = new FileDescriptor(pipe[0]);
        ByteBuf dst = Unpooled.directBuffer(8);
        try {
            AioRead r = new AioRead(rd, 0, dst);
            Aio<AioRead> aio = onLoop(loop, () -> {
                Aio<AioRead> a = Aio.newForAio(loop, r);
                r.submit();
                return a;
            });
            Future<AioEvent> ready = aio.ready();
            int inFlight = AioControlBlock.inFlightCount();
            assertTrue(inFlight >= 1);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            assertTrue(ready.await(10, TimeUnit.SECONDS), "ready() must not hang after shutdown");
            assertInstanceOf(IOException.class, ready.cause());
            dst.release(); // the caller gives up; the library still holds the buffer for the kernel
            assertEquals(1, dst.refCnt());
            // The kernel finishes later; the owner (now this thread, the loop being gone) reaps it.
            long one = io.github.nettyaio.sys.internal.NativeMemory.allocateZeroed(8);
            try {
                assertEquals(8, LibC.write(pipe[1], one, 8));
            } finally {
                io.github.nettyaio.sys.internal.NativeMemory.free(one);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (r.inProgress()) {
                assertTrue(System.nanoTime() < deadline, "request did not finish");
                Thread.onSpinWait();
            }
            assertEquals(8L, r.result());
            assertEquals(0, dst.refCnt());
        } finally {
            LibC.close(pipe[0]);
            LibC.close(pipe[1]);
        }
    }

    // ---- many requests in flight on one loop ----

    @ParameterizedTest
    @MethodSource("loops")
    void manyConcurrentReadsCompleteWithTheRightData(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(1 << 20);
        PosixFileDescriptor fd = open(fileWith(data));
        int n = 200;
        List<Future<Long>> futures = new ArrayList<>();
        List<ByteBuf> bufs = new ArrayList<>();
        long[] offsets = new long[n];
        try {
            for (int i = 0; i < n; i++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
                bufs.add(b);
                offsets[i] = ThreadLocalRandom.current().nextInt(data.length - 4096);
                AioRead r = new AioRead(fd, offsets[i], b);
                futures.add(roundTrip(loop, r, AioRead::submit, AioRead::result, false));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(4096L, await(futures.get(i)));
                int off = (int) offsets[i];
                assertArrayEquals(Arrays.copyOfRange(data, off, off + 4096), ByteBufUtil.getBytes(bufs.get(i)));
            }
        } finally {
            bufs.forEach(ByteBuf::release);
        }
    }

    @ParameterizedTest
    @MethodSource("loops")
    void aioNeedsTheLoopThread(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        PosixFileDescriptor fd = open(fileWith(random(10)));
        assertThrows(IllegalStateException.class, () -> Aio.newForAio(loop, new AioFsync(fd, AioFsyncMode.FSYNC)));
        assertTrue(Platform.hasAbi());
    }
}

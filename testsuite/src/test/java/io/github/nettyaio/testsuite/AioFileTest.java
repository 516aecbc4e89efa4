/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.testing.DirectIo;
import io.github.nettyaio.testing.Loops;
import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.testing.FdCount;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioFile} against every engine × event-loop type this machine runs (IO_URING, POSIX_AIO, BLOCKING,
 * AUTO × NIO, epoll, io_uring), the way Netty's testsuite runs a test on every transport: real files, data
 * compared byte for byte, completions checked to run on the file's loop, descriptors counted.
 */
@EnabledOnOs(OS.LINUX)
class AioFileTest {
    @TempDir
    Path dir;
    private Map<Integer, String> fdsBefore;

    static Stream<Arguments> engines() {
        List<Arguments> out = new ArrayList<>();
        List<AioEngine> engines = new ArrayList<>(AioTestSupport.fileEngines());
        engines.add(AioEngine.AUTO);
        for (AioEngine e : engines) {
            for (LoopType t : LoopType.available()) {
                out.add(Arguments.of(e, t));
            }
        }
        return out.stream();
    }

    @BeforeEach
    void warmUpAndCount() throws Exception {
        // Loops, the shared ring, the reaper and the blocking pool are created once per process: make them
        // exist before counting descriptors.
        Path warm = Files.write(Files.createTempFile(dir, "warm", ".bin"), new byte[16]);
        for (LoopType t : LoopType.available()) {
            for (AioEngine e : AioTestSupport.fileEngines()) {
                try (AioFile f = AioFile.open(AioTestSupport.loop(t), warm, e, READ)) {
                    ByteBuf b = Unpooled.directBuffer(16);
                    try {
                        await(f.read(b, 0));
                    } finally {
                        b.release();
                    }
                }
            }
        }
        fdsBefore = FdCount.snapshot();
    }

    @AfterEach
    void noFdLeak() {
        assertEquals(List.of(), FdCount.openedSince(fdsBefore), "file descriptors leaked");
    }

    @AfterAll
    static void shutdown() {
        AioTestSupport.shutdownAll();
    }

    private AioFile open(AioEngine engine, LoopType type, Path p, java.nio.file.OpenOption... o) throws IOException {
        AioFile f = AioFile.open(AioTestSupport.loop(type), p, engine, o);
        assertNotEquals(AioEngine.AUTO, f.engine());
        if (engine != AioEngine.AUTO) {
            assertEquals(engine, f.engine());
        } else if (Platform.os() == Platform.Os.LINUX) {
            assertEquals(AioTestSupport.linuxAuto(), f.engine(), "AUTO on Linux");
        }
        return f;
    }


    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void randomWritesReadBackAtRandomOffsets(AioEngine engine, LoopType type) throws Exception {
        Path p = dir.resolve("rw.bin");
        int size = 1 << 20;
        byte[] model = new byte[size];
        try (AioFile f = open(engine, type, p, CREATE, READ, WRITE)) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < 40; i++) {
                int len = 1 + r.nextInt(20_000);
                int off = r.nextInt(size - len);
                byte[] data = random(len);
                System.arraycopy(data, 0, model, off, len);
                ByteBuf src = r.nextBoolean() ? Unpooled.wrappedBuffer(data)
                        : PooledByteBufAllocator.DEFAULT.directBuffer(len).writeBytes(data);
                try {
                    assertEquals(len, (int) Loops.awaitOnLoop(f.eventLoop(), f.write(src, off)));
                    assertFalse(src.isReadable(), "reader index advanced by the bytes written");
                } finally {
                    src.release();
                }
            }
            // Extend the file to its full size so every read is inside it.
            ByteBuf last = Unpooled.wrappedBuffer(new byte[] {model[size - 1]});
            try {
                await(f.write(last, size - 1));
            } finally {
                last.release();
            }
            for (int i = 0; i < 40; i++) {
                int len = 1 + r.nextInt(20_000);
                int off = r.nextInt(size - len);
                ByteBuf dst = r.nextBoolean() ? Unpooled.buffer(len) : Unpooled.directBuffer(len);
                try {
                    int n = Loops.awaitOnLoop(f.eventLoop(), f.readFully(dst, off));
                    assertEquals(len, n);
                    assertArrayEquals(Arrays.copyOfRange(model, off, off + len), ByteBufUtil.getBytes(dst));
                } finally {
                    dst.release();
                }
            }
            assertEquals(size, f.size());
        }
        assertArrayEquals(model, Files.readAllBytes(p));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void eofShortReadsAndEmptyDestinations(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(1000);
        Path p = Files.write(dir.resolve("eof.bin"), data);
        try (AioFile f = open(engine, type, p, READ)) {
            ByteBuf dst = Unpooled.directBuffer(300);
            try {
                assertEquals(-1, (int) await(f.read(dst, 1000)), "at EOF");
                assertEquals(-1, (int) await(f.read(dst, 5000)), "past EOF");
                assertEquals(-1, (int) await(f.readFully(dst, 1000)));
                assertEquals(100, (int) await(f.read(dst, 900)), "short read at the end");
                assertArrayEquals(Arrays.copyOfRange(data, 900, 1000), ByteBufUtil.getBytes(dst));
                dst.clear();
                assertEquals(200, (int) await(f.readFully(dst, 800)), "readFully stops at EOF");
                dst.writerIndex(dst.capacity());
                assertEquals(0, (int) await(f.read(dst, 0)), "no writable bytes");
                assertEquals(0, (int) await(f.readFully(dst, 0)));
            } finally {
                dst.release();
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void vectoredReadAndWriteWithCompositeAndHeapBuffers(AioEngine engine, LoopType type) throws Exception {
        Path p = dir.resolve("v.bin");
        byte[] a = random(4096);
        byte[] b = random(777);
        byte[] c = random(10_000);
        try (AioFile f = open(engine, type, p, CREATE, READ, WRITE)) {
            CompositeByteBuf comp = Unpooled.compositeBuffer();
            comp.addComponent(true, Unpooled.wrappedBuffer(b));
            ByteBuf[] srcs = {Unpooled.directBuffer().writeBytes(a), comp, Unpooled.wrappedBuffer(c)};
            try {
                assertEquals(a.length + b.length + c.length, (long) Loops.awaitOnLoop(f.eventLoop(), f.write(srcs, 100)));
                for (ByteBuf s : srcs) {
                    assertFalse(s.isReadable());
                }
            } finally {
                for (ByteBuf s : srcs) {
                    s.release();
                }
            }
            ByteBuf[] dsts = {Unpooled.buffer(50), Unpooled.directBuffer(5000), Unpooled.directBuffer(20_000)};
            try {
                long n = Loops.awaitOnLoop(f.eventLoop(), f.read(dsts, 100));
                assertTrue(n > 0 && n <= a.length + b.length + c.length, "read " + n);
                byte[] all = new byte[a.length + b.length + c.length];
                System.arraycopy(a, 0, all, 0, a.length);
                System.arraycopy(b, 0, all, a.length, b.length);
                System.arraycopy(c, 0, all, a.length + b.length, c.length);
                byte[] back = new byte[(int) n];
                int off = 0;
                for (ByteBuf d : dsts) {
                    int k = d.readableBytes();
                    d.readBytes(back, off, k);
                    off += k;
                }
                assertEquals(n, off);
                assertArrayEquals(Arrays.copyOfRange(all, 0, (int) n), back);
                for (ByteBuf d : dsts) {
                    d.clear();
                }
                assertEquals(-1L, (long) await(f.read(dsts, 100 + all.length)), "vectored read at EOF");
            } finally {
                for (ByteBuf d : dsts) {
                    d.release();
                }
            }
        }
    }

    /**
     * All-direct buffers, a composite of direct components among them: the engines that take iovecs (IO_URING,
     * BLOCKING) transfer straight to and from the caller's memory; every engine gets the bytes right, and the
     * caller may release its buffers while the transfer is in flight.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void vectoredDirectAndCompositeDirectBuffers(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(3 * 65536 + 123);
        Path p = dir.resolve("vd.bin");
        try (AioFile f = open(engine, type, p, CREATE, READ, WRITE)) {
            CompositeByteBuf comp = Unpooled.compositeBuffer();
            comp.addComponent(true, Unpooled.directBuffer(65536).writeBytes(data, 65536, 65536));
            comp.addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer(65536).writeBytes(data, 131072, 65536));
            ByteBuf[] srcs = {Unpooled.directBuffer(65536).writeBytes(data, 0, 65536), comp,
                Unpooled.directBuffer(123).writeBytes(data, 196608, 123)};
            Future<Long> w = f.write(srcs, 7);
            for (ByteBuf b : srcs) {
                b.release(); // the library holds its own references until the kernel is done
            }
            assertEquals(data.length, (long) Loops.awaitOnLoop(f.eventLoop(), w));
            assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(p), 7, 7 + data.length));

            CompositeByteBuf into = Unpooled.compositeBuffer();
            into.addComponents(true, Unpooled.directBuffer(100_000, 100_000).writerIndex(100_000),
                    PooledByteBufAllocator.DEFAULT.directBuffer(96_731, 96_731).writerIndex(96_731)).clear();
            assertEquals(196_731, into.writableBytes());
            ByteBuf single = Unpooled.directBuffer(1000, 1000);
            try {
                long n = Loops.awaitOnLoop(f.eventLoop(), f.read(new ByteBuf[] {single, into}, 7));
                assertTrue(n > 0 && n <= data.length, "read " + n);
                byte[] back = new byte[(int) n];
                int k = single.readableBytes();
                single.readBytes(back, 0, k);
                into.readBytes(back, k, (int) n - k);
                assertArrayEquals(Arrays.copyOfRange(data, 0, (int) n), back);
                into.clear();
                assertEquals(data.length, (int) Loops.awaitOnLoop(f.eventLoop(), f.readFully(into, 7)),
                        "a composite destination is read into fully");
                assertArrayEquals(data, ByteBufUtil.getBytes(into));
            } finally {
                single.release();
                into.release();
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void syncAndSyncData(AioEngine engine, LoopType type) throws Exception {
        Path p = dir.resolve("s.bin");
        try (AioFile f = open(engine, type, p, CREATE, WRITE)) {
            ByteBuf src = Unpooled.wrappedBuffer(random(4096));
            try {
                await(f.write(src, 0));
            } finally {
                src.release();
            }
            assertEquals(null, Loops.awaitOnLoop(f.eventLoop(), f.sync()));
            assertEquals(null, Loops.awaitOnLoop(f.eventLoop(), f.syncData()));
        }
        assertEquals(4096, Files.size(p));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void concurrentOperationsFromSeveralThreads(AioEngine engine, LoopType type) throws Exception {
        Path p = dir.resolve("c.bin");
        int blocks = 64;
        int block = 4096;
        try (AioFile f = open(engine, type, p, CREATE, READ, WRITE)) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                int first = t;
                threads.add(new Thread(() -> {
                    try {
                        for (int i = first; i < blocks; i += 4) {
                            byte[] data = new byte[block];
                            Arrays.fill(data, (byte) i);
                            ByteBuf src = Unpooled.directBuffer(block).writeBytes(data);
                            try {
                                assertEquals(block, (int) await(f.write(src, (long) i * block)));
                            } finally {
                                src.release();
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertEquals(List.of(), errors);
            List<Future<Integer>> reads = new ArrayList<>();
            List<ByteBuf> bufs = new ArrayList<>();
            try {
                for (int i = 0; i < blocks; i++) {
                    ByteBuf d = Unpooled.directBuffer(block);
                    bufs.add(d);
                    reads.add(f.readFully(d, (long) i * block));
                }
                for (int i = 0; i < blocks; i++) {
                    assertEquals(block, (int) await(reads.get(i)));
                    byte[] expect = new byte[block];
                    Arrays.fill(expect, (byte) i);
                    assertArrayEquals(expect, ByteBufUtil.getBytes(bufs.get(i)));
                }
            } finally {
                bufs.forEach(ByteBuf::release);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void callerMayReleaseItsBufferEarly(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(64 * 1024);
        Path p = Files.write(dir.resolve("early.bin"), data);
        try (AioFile f = open(engine, type, p, READ)) {
            ByteBuf dst = Unpooled.directBuffer(data.length);
            Future<Integer> read = f.readFully(dst, 0);
            dst.release(); // the library's own reference keeps the memory alive for the kernel
            assertEquals(data.length, (int) await(read));
            assertEquals(0, dst.refCnt(), "freed once the library let go");
        }
    }

    /**
     * A write that the file system cuts short (a full 1 MiB tmpfs) is retried for the rest, and the retry reports
     * ENOSPC, even though the caller released its pooled buffer right after calling {@code write}: the library
     * keeps its own reference for the whole operation, so the buffer is never recycled between the attempts.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void shortWriteRetriedAfterAnEarlyReleaseReportsTheRealError(AioEngine engine, LoopType type) throws Exception {
        try (io.github.nettyaio.testing.TinyTmpfs fs = AioTestSupport.tinyTmpfs(dir, "tiny")) {
            try (AioFile f = open(engine, type, fs.dir.resolve("full.bin"), CREATE, WRITE)) {
                ByteBuf src = PooledByteBufAllocator.DEFAULT.directBuffer(3 << 20).writeBytes(random(3 << 20));
                Future<Integer> w = f.write(src, 0);
                src.release();
                Throwable cause = w.await().cause();
                assertInstanceOf(ErrnoException.class, cause, "the retry's own error, not a recycled buffer");
                assertEquals("ENOSPC", ((ErrnoException) cause).errnoName());
                assertEquals(0, src.refCnt(), "released exactly once, by the library, after the last attempt");
            }
        }
    }

    /**
     * A write that fails after a short write (ENOSPC on a full 1 MiB tmpfs) leaves the caller's reader indices
     * where they were, though the first attempt wrote part of the data: a failed future never comes with a
     * buffer that claims its bytes were taken. The same for a vectored write.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void aWriteFailingAfterAShortWriteMovesNoIndex(AioEngine engine, LoopType type) throws Exception {
        try (io.github.nettyaio.testing.TinyTmpfs fs = AioTestSupport.tinyTmpfs(dir, "tiny")) {
            Path p = fs.dir.resolve("full.bin");
            try (AioFile f = open(engine, type, p, CREATE, WRITE)) {
                ByteBuf src = Unpooled.directBuffer(3 << 20).writeBytes(random(3 << 20)).readerIndex(3);
                ByteBuf heap = Unpooled.wrappedBuffer(random(1 << 20));
                try {
                    Throwable cause = f.write(src, 0).await().cause();
                    assertEquals("ENOSPC", assertInstanceOf(ErrnoException.class, cause).errnoName());
                    assertTrue(Files.size(p) > 0, "the first attempt wrote part of the data");
                    assertEquals(3, src.readerIndex(), "indices move only on success");
                    src.readerIndex(3);
                    Files.write(p, new byte[0]);                              // room again for a short write
                    cause = f.write(new ByteBuf[] {heap, src}, 0).await().cause();
                    assertEquals("ENOSPC", assertInstanceOf(ErrnoException.class, cause).errnoName());
                    assertTrue(Files.size(p) > 0, "the first attempt wrote part of the data");
                    assertEquals(0, heap.readerIndex(), "indices move only on success");
                    assertEquals(3, src.readerIndex(), "indices move only on success");
                } finally {
                    src.release();
                    heap.release();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void errors(AioEngine engine, LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("err.bin"), random(100));
        assertThrows(NoSuchFileException.class, () -> open(engine, type, dir.resolve("missing.bin"), READ));
        assertThrows(IllegalArgumentException.class, () -> open(engine, type, p, WRITE, APPEND));
        ByteBuf buf = Unpooled.directBuffer(10).writeZero(10);
        try {
            AioFile ro = open(engine, type, p, READ);
            try {
                IOException e = assertThrows(IOException.class, () -> await(ro.write(buf, 0)));
                assertInstanceOf(ErrnoException.class, e);
                assertEquals("pwrite(" + p + "): EBADF (Bad file descriptor)", e.getMessage());
                assertEquals(0, buf.readerIndex(), "indices move only on success");
                assertInstanceOf(IllegalArgumentException.class, ro.read(buf, -1).await().cause());
                assertInstanceOf(IllegalArgumentException.class, ro.readFully(buf, -1).await().cause());
                assertInstanceOf(IllegalArgumentException.class, ro.write(buf, -1).await().cause());
                assertInstanceOf(IllegalArgumentException.class, ro.read(new ByteBuf[] {buf}, -1).await().cause());
                assertInstanceOf(IllegalArgumentException.class, ro.write(new ByteBuf[] {buf}, -1).await().cause());
                assertEquals(1, buf.refCnt(), "an argument error takes no reference");
                ByteBuf released = Unpooled.directBuffer(4);
                released.release();
                assertInstanceOf(IllegalReferenceCountException.class, ro.read(released, 0).await().cause());
                ByteBuf readOnly = Unpooled.directBuffer(4).asReadOnly();
                try {
                    assertInstanceOf(IllegalArgumentException.class, ro.read(readOnly, 0).await().cause());
                } finally {
                    readOnly.release();
                }
            } finally {
                ro.close();
            }
            assertInstanceOf(ClosedChannelException.class, ro.read(buf, 0).await().cause());
            assertInstanceOf(ClosedChannelException.class, ro.sync().await().cause());
            assertThrows(ClosedChannelException.class, ro::size);
            assertTrue(ro.closeAsync().isSuccess(), "closing twice is fine");
        } finally {
            buf.release();
        }
    }

    /**
     * The engines' own threads never keep the JVM alive and stay within their bounds: the shared io_uring group
     * (made by the warm-up's IO_URING files on NIO and epoll loops) has the default one thread, the blocking pool
     * at most {@code max(2, cores)}.
     */
    @org.junit.jupiter.api.Test
    void engineThreadsAreBoundedDaemons() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(AioTestSupport.fileEngines().contains(AioEngine.IO_URING),
                "io_uring is not available here");
        // A write from an NIO loop: it goes through the shared ring (reads the page cache serves may not).
        try (AioFile f = open(AioEngine.IO_URING, LoopType.NIO, dir.resolve("w.bin"), CREATE, WRITE)) {
            ByteBuf b = Unpooled.directBuffer(8).writeLong(1);
            try {
                assertEquals(8, (int) await(f.write(b, 0)));
            } finally {
                b.release();
            }
        }
        List<Thread> ring = new ArrayList<>();
        List<Thread> blocking = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("netty-aio-uring-")) {
                ring.add(t);
            } else if (t.getName().startsWith("netty-aio-blocking-")) {
                blocking.add(t);
            }
        }
        assertEquals(1, ring.size(), "one shared ring thread by default: " + ring);
        assertTrue(!blocking.isEmpty(), "the warm-up used the blocking pool");
        assertTrue(blocking.size() <= Math.max(2, Runtime.getRuntime().availableProcessors()), blocking::toString);
        for (Thread t : ring) {
            assertTrue(t.isDaemon(), t + " is a daemon");
        }
        for (Thread t : blocking) {
            assertTrue(t.isDaemon(), t + " is a daemon");
        }
    }

    /** KQUEUE_AIO exists only on FreeBSD kqueue loops: asking for it here names why, and leaks no descriptor. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.LoopType#available")
    void anEngineTheLoopCantRunIsRefused(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("kq.bin"), random(10));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> AioFile.open(AioTestSupport.loop(type), p, AioEngine.KQUEUE_AIO, READ));
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), "the message says why");
    }

    /**
     * {@code Future.cancel()} is best effort: each future is either cancelled (and its buffer untouched) or
     * succeeds with the right data; the file stays usable and nothing leaks.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void cancellingFuturesIsBestEffortAndSafe(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(64 * 16 * 1024);
        Path p = Files.write(dir.resolve("cancel.bin"), data);
        try (AioFile f = open(engine, type, p, READ)) {
            List<ByteBuf> bufs = new ArrayList<>();
            List<Future<Integer>> reads = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) {
                    ByteBuf d = Unpooled.directBuffer(16 * 1024);
                    bufs.add(d);
                    reads.add(f.readFully(d, i * 16L * 1024));
                    if (i % 2 == 0) {
                        reads.get(i).cancel(false);
                    }
                }
                int cancelled = 0;
                for (int i = 0; i < 64; i++) {
                    Future<Integer> r = reads.get(i);
                    assertTrue(r.await(10, TimeUnit.SECONDS), "read " + i + " never completed");
                    if (r.isCancelled()) {
                        cancelled++;
                        assertEquals(0, bufs.get(i).writerIndex(), "a cancelled read moves no index");
                    } else {
                        assertEquals(16 * 1024, (int) r.getNow());
                        assertArrayEquals(Arrays.copyOfRange(data, i * 16 * 1024, (i + 1) * 16 * 1024),
                                ByteBufUtil.getBytes(bufs.get(i)));
                    }
                }
                assertTrue(cancelled <= 32, "only the ones asked to cancel may be cancelled");
                ByteBuf again = Unpooled.directBuffer(100);
                try {
                    assertEquals(100, (int) Loops.awaitOnLoop(f.eventLoop(), f.readFully(again, 5)));
                    assertArrayEquals(Arrays.copyOfRange(data, 5, 105), ByteBufUtil.getBytes(again));
                } finally {
                    again.release();
                }
            } finally {
                bufs.forEach(ByteBuf::release);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void closeAsyncLetsEarlierOperationsFinish(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(256 * 1024);
        Path p = Files.write(dir.resolve("close.bin"), data);
        AioFile f = open(engine, type, p, READ);
        List<ByteBuf> bufs = new ArrayList<>();
        List<Future<Integer>> reads = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                ByteBuf d = Unpooled.directBuffer(16 * 1024);
                bufs.add(d);
                reads.add(f.readFully(d, i * 16L * 1024));
            }
            Future<Void> closed = f.closeAsync();
            for (int i = 0; i < 16; i++) {
                assertEquals(16 * 1024, (int) await(reads.get(i)), "issued before close: completes normally");
                assertArrayEquals(Arrays.copyOfRange(data, i * 16 * 1024, (i + 1) * 16 * 1024),
                        ByteBufUtil.getBytes(bufs.get(i)));
            }
            await(closed);
            assertFalse(f.fd().isOpen());
        } finally {
            bufs.forEach(ByteBuf::release);
        }
    }

    /**
     * A burst of operations issued in one task of the file's loop (more than the shared ring gives the kernel
     * per iteration) all complete, with the right data, on the loop; the same burst followed by {@code closeAsync}
     * in that task completes every future too (read, or failed with an {@link IOException}: some may never have
     * reached the kernel) and closes the descriptor.
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void aBurstFromOneLoopTaskCompletesWholeOrOnClose(AioEngine engine, LoopType type) throws Exception {
        int n = 100;
        int block = 4096;
        byte[] data = random(256 * block);
        Path p = Files.write(dir.resolve("burst.bin"), data);
        for (boolean closeInTheSameTask : new boolean[] {false, true}) {
            AioFile f = open(engine, type, p, READ);
            List<ByteBuf> bufs = new ArrayList<>();
            List<Future<Integer>> reads = new ArrayList<>();
            long[] positions = new long[n];
            AtomicReference<Future<Void>> closed = new AtomicReference<>();
            // Listeners run after a future's waiters wake: count them with a latch, not by reading a list then.
            CountDownLatch listened = new CountDownLatch(n);
            AtomicInteger offLoop = new AtomicInteger();
            try {
                for (int i = 0; i < n; i++) {
                    bufs.add(Unpooled.directBuffer(block));
                    positions[i] = ThreadLocalRandom.current().nextLong(256 - 1) * block + i % 7;
                }
                f.eventLoop().submit(() -> {
                    for (int i = 0; i < n; i++) {
                        Future<Integer> r = f.readFully(bufs.get(i), positions[i]);
                        r.addListener(x -> {
                            if (!f.eventLoop().inEventLoop()) {
                                offLoop.incrementAndGet();
                            }
                            listened.countDown();
                        });
                        reads.add(r);
                    }
                    if (closeInTheSameTask) {
                        closed.set(f.closeAsync());
                    }
                }).sync();
                int ok = 0;
                for (int i = 0; i < n; i++) {
                    Future<Integer> r = reads.get(i);
                    assertTrue(r.await(10, TimeUnit.SECONDS), "read " + i + " never completed");
                    if (r.isSuccess() || !closeInTheSameTask) {
                        assertEquals(block, (int) await(r));
                        int from = (int) positions[i];
                        assertArrayEquals(Arrays.copyOfRange(data, from, from + block), ByteBufUtil.getBytes(bufs.get(i)),
                                "read " + i);
                        ok++;
                    } else {
                        assertInstanceOf(IOException.class, r.cause(), "read " + i);
                        assertEquals(0, bufs.get(i).writerIndex(), "a failed read moves no index");
                    }
                }
                if (closeInTheSameTask) {
                    assertTrue(closed.get().await(10, TimeUnit.SECONDS), "close never completed");
                    assertFalse(f.fd().isOpen());
                } else {
                    assertEquals(n, ok);
                }
                assertTrue(listened.await(10, TimeUnit.SECONDS), "every listener runs");
                assertEquals(0, offLoop.get(), "every completion runs on the file's loop");
            } finally {
                f.close();
                bufs.forEach(ByteBuf::release);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void directIoWithAlignedBuffers(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(64 * 1024);
        Path p = Files.write(dir.resolve("direct.bin"), data);
        DirectIo.assumeSupported(p);
        AioFile f = open(engine, type, p, READ, io.github.nettyaio.sys.AioOpenOption.DIRECT);
        try {
            ByteBuf dst = AlignedBuffers.allocate(4096, 8192);
            try {
                assertEquals(8192, (int) await(f.readFully(dst, 4096)));
                assertArrayEquals(Arrays.copyOfRange(data, 4096, 4096 + 8192), ByteBufUtil.getBytes(dst));
            } finally {
                dst.release();
            }
            // Writes: a heap buffer is staged through aligned memory.
            Path w = Files.write(dir.resolve("direct-w.bin"), new byte[4 * 4096]);
            try (AioFile g = open(engine, type, w, READ, WRITE, io.github.nettyaio.sys.AioOpenOption.DIRECT)) {
                byte[] twoPages = random(2 * 4096);
                ByteBuf heap = Unpooled.wrappedBuffer(twoPages);
                try {
                    assertEquals(twoPages.length, (int) Loops.awaitOnLoop(g.eventLoop(), g.write(heap, 4096)));
                    assertArrayEquals(twoPages, Arrays.copyOfRange(Files.readAllBytes(w), 4096, 3 * 4096));
                } finally {
                    heap.release();
                }
            }
            // A file that ends off a block boundary: readFully stops at its end instead of reading on misaligned.
            byte[] odd = random(2 * 4096 + 100);
            Path q = Files.write(dir.resolve("direct-odd.bin"), odd);
            try (AioFile g = open(engine, type, q, READ, io.github.nettyaio.sys.AioOpenOption.DIRECT)) {
                ByteBuf all = AlignedBuffers.allocate(4096, 4 * 4096);
                try {
                    assertEquals(odd.length, (int) await(g.readFully(all, 0)));
                    assertArrayEquals(odd, ByteBufUtil.getBytes(all));
                } finally {
                    all.release();
                }
            }
        } finally {
            f.close();
        }
    }

    /**
     * Misaligned O_DIRECT requests (position, length; reads and writes) fail with EINVAL, named, with the alignment
     * the file system reports and the request. Skipped where the file system reports none (it may then accept
     * misaligned requests: tmpfs since Linux 6.6, btrfs falling back to buffered I/O).
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void directIoMisalignmentIsEinvalNamingTheAlignment(AioEngine engine, LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("misaligned.bin"), random(4 * 4096));
        DirectIo.assumeSupported(p);
        AioFile f = open(engine, type, p, READ, WRITE, io.github.nettyaio.sys.AioOpenOption.DIRECT);
        try {
            int align = io.github.nettyaio.sys.PosixFiles.directIoAlignment(f.fd());
            org.junit.jupiter.api.Assumptions.assumeTrue(align > 1,
                    () -> "the file system reports no O_DIRECT alignment (STATX_DIOALIGN) for " + dir);
            String needs = "aligned to " + align + " bytes";
            ByteBuf page = AlignedBuffers.allocate(4096, 4096);
            ByteBuf odd = AlignedBuffers.allocate(4096, align + 1);
            ByteBuf heap = Unpooled.wrappedBuffer(random(2 * 4096));
            try {
                assertDirectEinval(f.read(page, 100), "pread(" + p + "): EINVAL", needs, "4096 bytes at 100");
                assertDirectEinval(f.read(odd, 0), "pread(" + p + "): EINVAL", needs, (align + 1) + " bytes at 0");
                assertEquals(0, page.writerIndex() + odd.writerIndex(), "indices move only on success");
                assertDirectEinval(f.write(heap, 4096 + 100), "pwrite(" + p + "): EINVAL", needs, "8192 bytes at 4196");
                assertEquals(0, heap.readerIndex(), "indices move only on success");
            } finally {
                page.release();
                odd.release();
                heap.release();
            }
        } finally {
            f.close();
        }
    }

    private static void assertDirectEinval(Future<?> f, String... parts) throws Exception {
        assertTrue(f.await(10, TimeUnit.SECONDS));
        ErrnoException e = assertInstanceOf(ErrnoException.class, f.cause());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("O_DIRECT"), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "\"" + part + "\" in " + e.getMessage());
        }
    }

    /** Shutting the loop down with operations in flight completes every future (never hangs) and crashes nothing. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("engines")
    void loopShutdownWithOperationsInFlightNeverHangs(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(1 << 20);
        Path p = Files.write(dir.resolve("shutdown.bin"), data);
        io.netty.channel.IoEventLoopGroup group = type.newGroup(1);
        IoEventLoop loop = LoopType.loop(group);
        AioFile f = AioFile.open(loop, p, engine, READ);
        List<ByteBuf> bufs = new ArrayList<>();
        List<Future<Integer>> reads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ByteBuf d = Unpooled.directBuffer(16 * 1024);
            bufs.add(d);
            reads.add(f.readFully(d, (i % 64) * 16L * 1024));
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        int ok = 0;
        for (int i = 0; i < reads.size(); i++) {
            Future<Integer> r = reads.get(i);
            assertTrue(r.await(10, TimeUnit.SECONDS), "future " + i + " hangs after loop shutdown");
            if (r.isSuccess()) {
                ok++;
                assertArrayEquals(Arrays.copyOfRange(data, i * 16 * 1024, (i + 1) * 16 * 1024),
                        ByteBufUtil.getBytes(bufs.get(i)));
            } else {
                assertInstanceOf(IOException.class, r.cause());
            }
        }
        assertTrue(group.terminationFuture().await(10, TimeUnit.SECONDS));
        // Every operation's completion was observable here (regular files finish quickly), so the file closes.
        assertTrue(f.closeAsync().await(10, TimeUnit.SECONDS), "close must complete once nothing is in flight");
        bufs.forEach(ByteBuf::release);
        System.out.println(engine + "/" + type + ": " + ok + " of 64 reads completed before the shutdown");
    }
}

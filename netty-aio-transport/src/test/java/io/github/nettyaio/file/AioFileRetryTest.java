/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.testing.RoundTrips;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code EINTR}/{@code EAGAIN} retries and the indices of failed multi-step operations, on faults a real engine
 * can't be made to produce here on demand: an engine that refuses a submission within the call (as
 * {@code aio_read} does with {@code EAGAIN} when FreeBSD's per-process AIO queue is full), or whose second step
 * fails. {@link FaultyEngine} injects them in front of the real {@link BlockingFileEngine}, which does the I/O.
 */
@EnabledOnOs(OS.LINUX)
class AioFileRetryTest {
    private static final AbiConstants C = Platform.abi().constants();
    private static IoEventLoopGroup group;
    private static IoEventLoop loop;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Injects faults in front of the real blocking engine: the first {@code refusals} calls report {@code refusal}
     * within the call (recording the stack depth of each); from call {@code failFrom} on (counted from 1) every
     * call reports {@code failure} on the loop.
     */
    private static final class FaultyEngine implements FileEngine {
        final IoEventLoop loop;
        final FileEngine real;
        final long refusal;
        final int refusals;
        final int failFrom;
        final long failure;
        final AtomicInteger calls = new AtomicInteger();
        final java.util.concurrent.CountDownLatch thirdCall = new java.util.concurrent.CountDownLatch(3);
        int minDepth = Integer.MAX_VALUE;
        int maxDepth;
        volatile boolean offLoop;

        FaultyEngine(long refusal, int refusals, int failFrom, long failure) {
            this(AioFileRetryTest.loop, refusal, refusals, failFrom, failure);
        }

        FaultyEngine(IoEventLoop loop, long refusal, int refusals, int failFrom, long failure) {
            this.loop = loop;
            this.real = new BlockingFileEngine(loop);
            this.refusal = refusal;
            this.refusals = refusals;
            this.failFrom = failFrom;
            this.failure = failure;
        }

        /** True when the call is handled here (refused or failed); false: let the real engine do it. */
        private boolean fault(Completion done) {
            if (!loop.inEventLoop()) {
                offLoop = true;
            }
            int n = calls.incrementAndGet();
            thirdCall.countDown();
            if (n <= refusals) {
                int depth = Thread.currentThread().getStackTrace().length;
                minDepth = Math.min(minDepth, depth);
                maxDepth = Math.max(maxDepth, depth);
                done.complete(refusal);
                return true;
            }
            if (failFrom > 0 && n >= failFrom) {
                loop.execute(() -> done.complete(failure));
                return true;
            }
            return false;
        }

        @Override
        public AioEngine kind() {
            return AioEngine.BLOCKING;
        }

        @Override
        public void read(int fd, long address, int length, long position, Completion done) {
            if (!fault(done)) {
                // Short reads, so that readFully takes several steps.
                real.read(fd, address, Math.min(length, 1000), position, done);
            }
        }

        @Override
        public void write(int fd, long address, int length, long position, Completion done) {
            if (!fault(done)) {
                real.write(fd, address, Math.min(length, 1000), position, done);
            }
        }

        @Override
        public void sync(int fd, boolean dataOnly, Completion done) {
            if (!fault(done)) {
                real.sync(fd, dataOnly, done);
            }
        }

        @Override
        public void cancelAll() {
        }

        @Override
        public void close() {
        }
    }

    private AioFile open(Path p, FaultyEngine engine) throws Exception {
        return AioFile.withEngine(engine.loop, PosixFiles.openPositional(p, StandardOpenOption.READ,
                StandardOpenOption.WRITE), engine);
    }

    private static <T> T await(Future<T> f) throws Exception {
        assertTrue(f.await(30, TimeUnit.SECONDS), "the future completes");
        if (!f.isSuccess()) {
            throw new AssertionError("failed: " + f.cause(), f.cause());
        }
        return f.getNow();
    }


    /**
     * Refusals reported within the submitting call are retried from a fresh stack (a recursive retry would grow
     * it with every refusal, and a refusal that lasts would overflow it) and the operation then succeeds with
     * the right data, on the loop: for readFully, write and syncData alike.
     */
    @Test
    void refusedSubmissionsAreRetriedWithoutRecursion() throws Exception {
        byte[] data = RoundTrips.random(5000);
        Path p = Files.write(dir.resolve("retry.bin"), new byte[5000]);
        for (long refusal : new long[] {-C.EAGAIN, -Errno.EINTR}) {
            FaultyEngine engine = new FaultyEngine(refusal, 40, 0, 0);
            try (AioFile f = open(p, engine)) {
                ByteBuf src = Unpooled.directBuffer(5000).writeBytes(data);
                ByteBuf dst = Unpooled.directBuffer(5000);
                try {
                    assertEquals(5000, (int) await(f.write(src, 0)));      // 40 refusals, then 5 short writes
                    assertEquals(5000, src.readerIndex());
                    assertEquals(45, engine.calls.get());
                    await(f.syncData());
                    assertEquals(5000, (int) await(f.readFully(dst, 0)));
                    assertArrayEquals(data, ByteBufUtil.getBytes(dst));
                } finally {
                    src.release();
                    dst.release();
                }
            }
            // The first try and the retries run from different tasks (Netty's scheduled-task frames differ by a few);
            // a recursive retry would add a handful of frames per refusal, 40 times.
            assertTrue(engine.maxDepth - engine.minDepth <= 8, "retries start from a fresh stack: depth "
                    + engine.minDepth + " to " + engine.maxDepth);
            assertTrue(!engine.offLoop, "every step runs on the file's loop");
        }
    }

    /** A refusal that never ends fails the operation with EAGAIN (after about 2 s), its indices unmoved. */
    @Test
    void aRefusalThatNeverEndsFailsWithEagain() throws Exception {
        Path p = Files.write(dir.resolve("full.bin"), RoundTrips.random(100));
        FaultyEngine engine = new FaultyEngine(-C.EAGAIN, Integer.MAX_VALUE, 0, 0);
        try (AioFile f = open(p, engine)) {
            ByteBuf dst = Unpooled.directBuffer(100);
            try {
                long start = System.nanoTime();
                Future<Integer> r = f.read(dst, 0);
                assertTrue(r.await(30, TimeUnit.SECONDS));
                long elapsed = System.nanoTime() - start;
                ErrnoException e = assertInstanceOf(ErrnoException.class, r.cause());
                assertEquals("EAGAIN", e.errnoName());
                assertEquals(OutstandingOperations.RETRY_LIMIT + 1, engine.calls.get(),
                        "the first try and every retry");
                // The back-off adds up to about 1.93 s (7 doublings from 50 us, then 10 ms each): retries that
                // did not wait would be done in milliseconds.
                assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(1500), "backed off: " + elapsed / 1000_000 + " ms");
                assertEquals(0, dst.writerIndex());
                assertEquals(1, dst.refCnt(), "the library let go of the buffer");
            } finally {
                dst.release();
            }
        }
    }

    /** A close issued while an operation backs off waits for it: the retry then succeeds, and the close after it. */
    @Test
    void closeDuringABackOffLetsTheOperationFinish() throws Exception {
        byte[] data = RoundTrips.random(3000);
        Path p = Files.write(dir.resolve("close.bin"), data);
        FaultyEngine engine = new FaultyEngine(-C.EAGAIN, 30, 0, 0);
        AioFile f = open(p, engine);
        ByteBuf dst = Unpooled.directBuffer(1000);
        try {
            Future<Integer> r = f.read(dst, 0);
            Future<Void> closed = f.closeAsync();
            assertEquals(1000, (int) await(r));
            assertArrayEquals(Arrays.copyOf(data, 1000), ByteBufUtil.getBytes(dst));
            await(closed);
            assertEquals(31, engine.calls.get());
        } finally {
            dst.release();
        }
    }

    /**
     * A loop shut down while an operation waits to retry: the retry task never runs, so the operation fails, its
     * buffer is let go of at once (the kernel holds none of it) and the file closes.
     */
    @Test
    void loopShutdownDuringABackOffFailsAndReleases() throws Exception {
        IoEventLoopGroup own = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IoEventLoop ownLoop = (IoEventLoop) own.next();
        Path p = Files.write(dir.resolve("dying.bin"), RoundTrips.random(100));
        FaultyEngine engine = new FaultyEngine(ownLoop, -C.EAGAIN, Integer.MAX_VALUE, 0, 0);
        AioFile f = open(p, engine);
        ByteBuf dst = Unpooled.directBuffer(100);
        try {
            Future<Integer> r = f.read(dst, 0);
            assertTrue(engine.thirdCall.await(10, TimeUnit.SECONDS), "retrying");
            assertTrue(own.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS));
            assertTrue(r.await(10, TimeUnit.SECONDS), "the future completes");
            assertInstanceOf(java.io.IOException.class, r.cause());
            assertTrue(f.closeAsync().await(10, TimeUnit.SECONDS), "the file closes");
            assertTrue(f.closeAsync().isSuccess(), "closed: " + f.closeAsync().cause());
            assertEquals(1, dst.refCnt(), "the library let go of the buffer");
            assertEquals(0, dst.writerIndex());
        } finally {
            dst.release();
        }
    }

    /**
     * A readFully or write whose later step fails leaves the caller's index where it was, though earlier steps
     * moved data: the future says failed, so the buffer must not claim the bytes were taken.
     */
    @Test
    void aLaterStepFailingMovesNoIndex() throws Exception {
        Path p = Files.write(dir.resolve("steps.bin"), RoundTrips.random(5000));
        try (AioFile f = open(p, new FaultyEngine(0, 0, 3, -Errno.EIO))) {
            ByteBuf dst = Unpooled.directBuffer(5000).writeZero(7);
            try {
                Future<Integer> r = f.readFully(dst, 0);                  // 1000 + 1000, then EIO
                assertTrue(r.await(30, TimeUnit.SECONDS));
                ErrnoException e = assertInstanceOf(ErrnoException.class, r.cause());
                assertEquals("pread(" + p + "): EIO (Input/output error)", e.getMessage());
                assertEquals(7, dst.writerIndex(), "indices move only on success");
            } finally {
                dst.release();
            }
        }
        try (AioFile f = open(p, new FaultyEngine(0, 0, 2, -Errno.EIO))) {
            ByteBuf src = Unpooled.directBuffer(3000).writeBytes(RoundTrips.random(3000)).readerIndex(5);
            ByteBuf[] srcs = {Unpooled.wrappedBuffer(RoundTrips.random(1500)), src};
            try {
                Future<Long> w = f.write(srcs, 0);                         // 1000, then EIO
                assertTrue(w.await(30, TimeUnit.SECONDS));
                assertInstanceOf(ErrnoException.class, w.cause());
                assertEquals(0, srcs[0].readerIndex(), "indices move only on success");
                assertEquals(5, src.readerIndex(), "indices move only on success");
                assertEquals(Arrays.asList(1, 1), Arrays.asList(srcs[0].refCnt(), src.refCnt()));
            } finally {
                srcs[0].release();
                src.release();
            }
        }
    }
}

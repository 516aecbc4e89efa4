/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.Aio;
import io.github.nettyaio.AioEvent;
import io.github.nettyaio.source.AioFsync;
import io.github.nettyaio.source.AioFsyncMode;
import io.github.nettyaio.source.AioRead;
import io.github.nettyaio.source.AioWrite;
import io.github.nettyaio.source.LioListio;
import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.roundTrip;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The design netty-aio is named for, end to end on FreeBSD: aiocbs carrying {@code SIGEV_KEVENT} for
 * Netty's own kqueue, {@code EVFILT_AIO}/{@code EVFILT_LIO} events routed by Netty's {@code KQueueIoHandler}
 * to the Aio's handle on the loop thread. Enabled only on FreeBSD with a Netty kqueue native library built
 * for it (Netty publishes none). <b>Never run by the project so far</b>: its CI machines are Linux.
 */
@EnabledOnOs(OS.FREEBSD)
class FreeBsdKqueueAioTest {
    private static IoEventLoopGroup group;
    private static IoEventLoop loop;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(KQueue.isAvailable(), "no Netty kqueue native library for this FreeBSD");
        group = new MultiThreadIoEventLoopGroup(1, KQueueIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
    }

    @AfterAll
    static void stop() {
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void readWriteFsyncThroughNettysKqueue() throws Exception {
        byte[] data = new byte[8192];
        ThreadLocalRandom.current().nextBytes(data);
        Path f = Files.write(dir.resolve("k.bin"), new byte[0]);
        ByteBuf src = Unpooled.wrappedBuffer(data);
        ByteBuf dst = Unpooled.directBuffer(8192);
        try (PosixFileDescriptor fd = PosixFiles.open(f, READ, WRITE)) {
            AioWrite w = new AioWrite(fd, 0, src);
            assertEquals(8192L, await(roundTrip(loop, w, AioWrite::submit, AioWrite::result, false)));
            AioFsync s = new AioFsync(fd, AioFsyncMode.FDATASYNC);
            assertEquals(0L, await(roundTrip(loop, s, AioFsync::submit, AioFsync::result, false)));
            AioRead r = new AioRead(fd, 0, dst);
            assertEquals(8192L, await(roundTrip(loop, r, AioRead::submit, AioRead::result, false)));
            assertArrayEquals(data, ByteBufUtil.getBytes(dst));
        } finally {
            src.release();
            dst.release();
        }
    }

    @Test
    void lioListioThroughEvfiltLio() throws Exception {
        byte[] data = new byte[4096];
        ThreadLocalRandom.current().nextBytes(data);
        ByteBuf a = Unpooled.directBuffer(1000);
        ByteBuf b = Unpooled.directBuffer(1000);
        try (PosixFileDescriptor fd = PosixFiles.open(Files.write(dir.resolve("l.bin"), data))) {
            LioListio lio = new LioListio();
            int ia = lio.addRead(fd, 0, a);
            int ib = lio.addRead(fd, 3000, b);
            await(roundTrip(loop, lio, LioListio::submit, l -> 0, true));
            assertEquals(1000, lio.result(ia));
            assertEquals(1000, lio.result(ib));
            assertArrayEquals(Arrays.copyOfRange(data, 3000, 4000), ByteBufUtil.getBytes(b));
        } finally {
            a.release();
            b.release();
        }
    }

    /**
     * mio-aio's and nix's "incomplete lio" case: two batches that together exceed
     * {@code vfs.aio.max_aio_queue_per_proc}, so the kernel refuses part of the second with EAGAIN. Nothing is
     * lost: the caller sees {@code refused() > 0} when the batch is ready, clears readiness, resubmits the
     * rest, and in the end every read completed once with the right data.
     */
    @Test
    void incompleteLioIsResubmittedUntilEveryEntryCompleted() throws Exception {
        int limit = sysctl("vfs.aio.max_aio_queue_per_proc");
        int perBatch = Math.min(limit * 3 / 4, sysctl("vfs.aio.max_aio_per_proc"));
        Assumptions.assumeTrue(perBatch >= 2, "AIO limits too small: " + limit);
        int block = 512;
        byte[] data = new byte[perBatch * block];
        ThreadLocalRandom.current().nextBytes(data);
        List<ByteBuf> bufs = new ArrayList<>();
        try (PosixFileDescriptor fd = PosixFiles.open(Files.write(dir.resolve("inc.bin"), data))) {
            LioListio[] batches = {new LioListio(), new LioListio()};
            for (LioListio lio : batches) {
                for (int i = 0; i < perBatch; i++) {
                    ByteBuf b = Unpooled.directBuffer(block);
                    bufs.add(b);
                    lio.addRead(fd, (long) i * block, b);
                }
            }
            long[][] results = new long[batches.length][perBatch];
            Promise<Integer> resubmissions = loop.newPromise();
            loop.execute(() -> {
                try {
                    int[] rounds = {0};
                    int[] pending = {batches.length};
                    for (int b = 0; b < batches.length; b++) {
                        Aio<LioListio> aio = Aio.newForLio(loop, batches[b]);
                        batches[b].submit();
                        awaitComplete(aio, results[b], rounds, () -> {
                            if (--pending[0] == 0) {
                                resubmissions.trySuccess(rounds[0]);
                            }
                        }, resubmissions);
                    }
                } catch (Throwable t) {
                    resubmissions.tryFailure(t);
                }
            });
            int rounds = await(resubmissions);
            System.out.println("incomplete lio: " + rounds + " resubmission round(s)");
            for (long[] r : results) {
                for (long n : r) {
                    assertEquals(block, n);
                }
            }
            for (int i = 0; i < bufs.size(); i++) {
                int at = (i % perBatch) * block;
                assertArrayEquals(Arrays.copyOfRange(data, at, at + block), ByteBufUtil.getBytes(bufs.get(i)));
            }
        } finally {
            bufs.forEach(ByteBuf::release);
        }
    }

    /**
     * On the loop: waits until {@code aio}'s batch is complete, resubmitting refused entries on each wake-up,
     * then reaps every entry into {@code results} at once (completed-but-unreaped requests count against the
     * per-process limit, so the other batch's resubmissions depend on it).
     */
    private static void awaitComplete(Aio<LioListio> aio, long[] results, int[] rounds, Runnable done,
                                      Promise<?> failure) {
        aio.ready().addListener(f -> {
            try {
                if (!f.isSuccess()) {
                    throw f.cause();
                }
                LioListio lio = aio.source();
                if (lio.isComplete()) {
                    for (int i = 0; i < results.length; i++) {
                        results[i] = lio.result(i);
                    }
                    aio.close();
                    done.run();
                    return;
                }
                aio.clearReady((AioEvent) f.getNow());
                if (lio.refused() > 0) {
                    rounds[0]++;
                    resubmit(aio, results, rounds, done, failure);
                    return;
                }
                awaitComplete(aio, results, rounds, done, failure);
            } catch (Throwable t) {
                failure.tryFailure(t);
            }
        });
    }

    /**
     * Resubmits the refused entries; when the kernel takes none while this batch has nothing in flight
     * (EAGAIN: the other batch still holds the slots), tries again shortly — a retry policy, as a real caller
     * would have, not a wait standing in for a completion.
     */
    private static void resubmit(Aio<LioListio> aio, long[] results, int[] rounds, Runnable done,
                                 Promise<?> failure) {
        try {
            aio.source().resubmitRemaining();
            awaitComplete(aio, results, rounds, done, failure);
        } catch (ErrnoException e) {
            if (!"EAGAIN".equals(e.errnoName())) {
                failure.tryFailure(e);
                return;
            }
            loop.schedule(() -> resubmit(aio, results, rounds, done, failure), 1, TimeUnit.MILLISECONDS);
        } catch (Throwable t) {
            failure.tryFailure(t);
        }
    }

    private static int sysctl(String name) throws Exception {
        Process p = new ProcessBuilder("sysctl", "-n", name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        Assumptions.assumeTrue(p.waitFor() == 0, "sysctl " + name + ": " + out);
        return Integer.parseInt(out);
    }
}

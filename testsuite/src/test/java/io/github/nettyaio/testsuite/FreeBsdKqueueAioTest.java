/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.source.AioFsync;
import io.github.nettyaio.source.AioFsyncMode;
import io.github.nettyaio.source.AioRead;
import io.github.nettyaio.source.AioWrite;
import io.github.nettyaio.source.LioListio;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
}

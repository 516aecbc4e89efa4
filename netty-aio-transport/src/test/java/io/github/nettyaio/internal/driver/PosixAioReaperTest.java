/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.Aio;
import io.github.nettyaio.source.AioRead;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Many short requests one after another: each completes while the reaper is between looking at its watch
 * list and going to sleep often enough that a lost-wakeup race shows up as a hang (caught by the timeout,
 * with the reaper's state in the message). This found a real bug: a request that finished after
 * {@code reapFinished} was left out of the {@code aio_suspend} list and never reported.
 */
@EnabledOnOs(OS.LINUX)
class PosixAioReaperTest {
    @TempDir
    Path dir;

    /** The reaper wakes as {@code -Dio.github.nettyaio.reaperWake} says (the build runs this class both ways). */
    @Test
    void wakeModeFollowsTheProperty() throws Exception {
        boolean timed = "timed".equals(System.getProperty("io.github.nettyaio.reaperWake"));
        ReaperWake wake = PosixAioReaper.instance().wake();
        assertEquals(timed ? TimedReaperWake.class : EventfdReaperWake.class, wake.getClass(),
                PosixAioReaper.instance().debugState());
    }

    @Test
    void sequentialRoundTripsNeverLoseACompletion() throws Exception {
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IoEventLoop loop = (IoEventLoop) group.next();
        Path f = Files.write(dir.resolve("small.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ByteBuf dst = Unpooled.directBuffer(8);
        try (PosixFileDescriptor fd = PosixFiles.open(f)) {
            roundTrips(loop, fd, dst, 5000);
        } finally {
            dst.release();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * New requests are reported while the reaper sleeps on one that doesn't finish (a read of an empty pipe,
     * which glibc's AIO thread blocks in): with the eventfd wake-up they join its wait at once, with the timed
     * wake within its timeout. Then the pipe read completes with the bytes written to the pipe.
     */
    @Test
    void requestsCompleteWhileTheReaperWaitsOnAnotherOne() throws Exception {
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IoEventLoop loop = (IoEventLoop) group.next();
        Path f = Files.write(dir.resolve("small.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        int[] pipe = new int[2];
        assertEquals(0, LibC.pipe(pipe));
        ByteBuf dst = Unpooled.directBuffer(8);
        ByteBuf fromPipe = Unpooled.directBuffer(4);
        ByteBuf src = Unpooled.directBuffer(4).writeInt(0x01020304);
        try (PosixFileDescriptor fd = PosixFiles.open(f)) {
            Promise<Long> pending = submit(loop, new FileDescriptor(pipe[0]), 0, fromPipe);
            roundTrips(loop, fd, dst, 200);
            assertFalse(pending.isDone(), "the read of an empty pipe completed: " + pending);
            assertEquals(4, LibC.write(pipe[1], src.memoryAddress(), 4));
            assertEquals(4, pending.get(10, TimeUnit.SECONDS));
            assertEquals(0x01020304, fromPipe.getInt(0));
        } finally {
            LibC.close(pipe[0]);
            LibC.close(pipe[1]);
            dst.release();
            fromPipe.release();
            src.release();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** {@code n} reads of {@code fd} one after another, each checked. */
    private static void roundTrips(IoEventLoop loop, FileDescriptor fd, ByteBuf dst, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            Promise<Long> p = submit(loop, fd, i % 8, dst);
            if (!p.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("completion " + i + " lost: " + PosixAioReaper.instance().debugState());
            }
            assertEquals(8 - i % 8, p.getNow());
        }
    }

    /** An {@link AioRead} of {@code fd} at {@code offset} into {@code dst}, submitted on {@code loop}. */
    private static Promise<Long> submit(IoEventLoop loop, FileDescriptor fd, long offset, ByteBuf dst) {
        Promise<Long> p = loop.newPromise();
        loop.execute(() -> {
            try {
                dst.clear();
                AioRead r = new AioRead(fd, offset, dst);
                Aio<AioRead> aio = Aio.newForAio(loop, r);
                r.submit();
                aio.ready().addListener(x -> {
                    try {
                        p.setSuccess(r.result());
                    } catch (Exception e) {
                        p.setFailure(e);
                    } finally {
                        aio.close();
                    }
                });
            } catch (Exception e) {
                p.setFailure(e);
            }
        });
        return p;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio;

import io.github.nettyaio.source.AioRead;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void sequentialRoundTripsNeverLoseACompletion() throws Exception {
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IoEventLoop loop = (IoEventLoop) group.next();
        Path f = Files.write(dir.resolve("small.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ByteBuf dst = Unpooled.directBuffer(8);
        try (PosixFileDescriptor fd = PosixFiles.open(f)) {
            for (int i = 0; i < 5000; i++) {
                final int n = i;
                Promise<Long> p = loop.newPromise();
                loop.execute(() -> {
                    try {
                        dst.clear();
                        AioRead r = new AioRead(fd, n % 8, dst);
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
                if (!p.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("completion " + i + " lost: " + PosixAioReaper.instance().debugState());
                }
                assertEquals(8 - i % 8, p.getNow());
            }
        } finally {
            dst.release();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

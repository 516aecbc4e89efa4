/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.http.testing.TestTransport;
import io.github.nettyaio.testing.FdCount;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DiskExecutor's hand-over to event loops, with real loops and real files. */
class DiskExecutorTest {
    @TempDir
    Path dir;

    @Test
    void aFileOpenedForALoopThatHasShutDownIsClosedNotLost() throws Exception {
        Path file = Files.writeString(dir.resolve("in-flight.txt"), "data");
        IoEventLoopGroup group = TestTransport.NIO.newGroup(1);
        EventExecutor loop = group.next();
        assertTrue(group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS));
        Map<Integer, String> before = FdCount.snapshot();
        AtomicReference<FileChannel> orphan = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        try (DiskExecutor disk = new DiskExecutor(1)) {
            Future<FileChannel> f = disk.submit(loop, () -> FileChannel.open(file, StandardOpenOption.READ), ch -> {
                orphan.set(ch);
                try {
                    ch.close();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
                closed.countDown();
            });
            assertTrue(closed.await(10, TimeUnit.SECONDS), "the file the loop refused was handed to the clean-up");
            assertFalse(orphan.get().isOpen());
            assertTrue(f.await(10, TimeUnit.SECONDS));
            assertTrue(f.cause() instanceof RejectedExecutionException, String.valueOf(f.cause()));
        }
        List<String> leaked = FdCount.openedSince(before).stream().filter(fd -> fd.contains(dir.toString())).toList();
        assertEquals(List.of(), leaked);
    }

    @Test
    void resultsReachALiveLoopOnItsThread() throws Exception {
        IoEventLoopGroup group = TestTransport.NIO.newGroup(1);
        try (DiskExecutor disk = new DiskExecutor(1)) {
            EventExecutor loop = group.next();
            AtomicReference<Thread> listenerThread = new AtomicReference<>();
            AtomicReference<Thread> loopThread = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            loop.execute(() -> loopThread.set(Thread.currentThread()));
            disk.submit(loop, () -> "result", r -> { throw new AssertionError("not orphaned: " + r); })
                    .addListener(f -> {
                        listenerThread.set(Thread.currentThread());
                        assertEquals("result", f.getNow());
                        done.countDown();
                    });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertSame(loopThread.get(), listenerThread.get());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}

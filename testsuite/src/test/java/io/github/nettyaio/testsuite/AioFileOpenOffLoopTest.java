/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.testing.FdCount;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.uring.IoUring;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static io.github.nettyaio.testsuite.AioTestSupport.TIMEOUT_SECONDS;
import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code AioFile.open} off an io_uring loop with the IO_URING engine does not wait for the loop: the file's
 * registration completes on the loop later, and whatever the loop does with the file before that (reads, writes,
 * close) waits for it in order. Each test holds the loop in a task while opening, so the loop reaches the file
 * before the registration task queued behind that task.
 */
@EnabledOnOs(OS.LINUX)
class AioFileOpenOffLoopTest {
    @TempDir
    Path dir;
    private IoEventLoop loop;

    @BeforeEach
    void ioUringLoop() {
        Assumptions.assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
        loop = AioTestSupport.loop(LoopType.IO_URING);
    }

    @AfterAll
    static void shutdown() {
        AioTestSupport.shutdownAll();
    }

    /**
     * Opens {@code p} off the loop while a task holds the loop, then lets that task run {@code use} with the file:
     * the loop reaches the file before the registration task that {@code open} queued behind the holding task.
     */
    private <T> Opened<T> openWhileLoopHeld(Path p, Function<AioFile, T> use, StandardOpenOption... options)
            throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch opened = new CountDownLatch(1);
        AtomicReference<AioFile> file = new AtomicReference<>();
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            running.countDown();
            try {
                if (!opened.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    result.completeExceptionally(new AssertionError("open did not return"));
                    return;
                }
                result.complete(use.apply(file.get()));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        assertTrue(running.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "holding task started");
        try {
            // Would time out (after 30 s) if open waited for the loop, which is held.
            file.set(AioFile.open(loop, p, AioEngine.IO_URING, options));
        } finally {
            opened.countDown();
        }
        return new Opened<>(file.get(), result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    private record Opened<T>(AioFile file, T used) {
    }

    @Test
    void operationsIssuedBeforeTheRegistrationRunInOrderAndCompleteOnTheLoop() throws Exception {
        byte[] data = random(3 * 8192 + 5);
        Path p = Files.write(dir.resolve("data"), data);
        List<ByteBuf> bufs = new ArrayList<>();
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        Opened<List<Future<Integer>>> o = openWhileLoopHeld(p, f -> {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ByteBuf b = Unpooled.directBuffer(8192);
                bufs.add(b);
                fs.add(f.readFully(b, i * 8192L));
            }
            fs.get(0).addListener(x -> onLoop.complete(loop.inEventLoop()));
            return fs;
        }, StandardOpenOption.READ);
        try {
            ByteBuf all = Unpooled.buffer();
            for (int i = 0; i < 4; i++) {
                assertEquals(i < 3 ? 8192 : 5, await(o.used().get(i)), "read " + i);
                all.writeBytes(bufs.get(i));
            }
            assertArrayEquals(data, ByteBufUtil.getBytes(all));
            assertTrue(onLoop.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "completed on the file's loop");
        } finally {
            bufs.forEach(ByteBuf::release);
            o.file().close();
        }
    }

    @Test
    void writesAndSyncIssuedBeforeTheRegistrationReachTheDisk() throws Exception {
        byte[] data = random(20_000);
        Path w = dir.resolve("written");
        ByteBuf src = Unpooled.wrappedBuffer(data);
        Opened<List<Future<?>>> o = openWhileLoopHeld(w, f -> List.of(f.write(src, 0), f.syncData()),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            assertEquals(data.length, await(o.used().get(0)));
            await(o.used().get(1));
            assertArrayEquals(data, Files.readAllBytes(w));
        } finally {
            src.release();
            o.file().close();
        }
    }

    @Test
    void closedOnTheLoopBeforeItsRegistrationRanClosesAndLeaksNothing() throws Exception {
        Path p = Files.write(dir.resolve("data"), random(100));
        Map<Integer, String> before = FdCount.snapshot();
        // Nothing in flight: the close finishes in the holding task, before the registration task runs; the
        // registration is then cancelled as soon as it completes.
        Opened<Future<Void>> o = openWhileLoopHeld(p, AioFile::closeAsync, StandardOpenOption.READ);
        await(o.used());
        assertTrue(FdCount.openedSince(before).isEmpty(), "descriptors leaked: " + FdCount.openedSince(before));
        ByteBuf b = Unpooled.directBuffer(10);
        try {
            assertTrue(o.file().read(b, 0).await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertTrue(o.file().read(b, 0).cause() instanceof java.nio.channels.ClosedChannelException);
        } finally {
            b.release();
        }
    }

    @Test
    void closedBeforeTheRegistrationCompletedLeaksNothing() throws Exception {
        Path p = Files.write(dir.resolve("data"), random(100));
        Map<Integer, String> before = FdCount.snapshot();
        ByteBuf b = Unpooled.directBuffer(100);
        Opened<Future<Integer>> o = openWhileLoopHeld(p, f -> {
            Future<Integer> read = f.read(b, 0);   // waits for the registration, like the close behind it
            f.closeAsync();
            return read;
        }, StandardOpenOption.READ);
        try {
            assertEquals(100, await(o.used()));
            await(o.file().closeAsync());
        } finally {
            b.release();
        }
        assertTrue(FdCount.openedSince(before).isEmpty(), "descriptors leaked: " + FdCount.openedSince(before));
        // The loop still serves files.
        try (AioFile again = AioFile.open(loop, p, AioEngine.IO_URING, StandardOpenOption.READ)) {
            ByteBuf c = Unpooled.directBuffer(100);
            try {
                assertEquals(100, await(again.read(c, 0)));
            } finally {
                c.release();
            }
        }
    }
}

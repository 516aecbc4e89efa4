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
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.nettyaio.testsuite.AioTestSupport.TIMEOUT_SECONDS;
import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AioFile#openAsync}: called on the event loop itself, it completes there, and fails like {@code open}. */
@EnabledOnOs(OS.LINUX)
class AioFileOpenAsyncTest {
    /** Every loop type this machine runs. */
    private static final String LOOPS = "io.github.nettyaio.testsuite.LoopType#available";

    @TempDir
    Path dir;

    @AfterAll
    static void shutdown() {
        AioTestSupport.shutdownAll();
    }

    /** Opens on the loop thread and reports whether the future's listener ran on the loop. */
    private static CompletableFuture<Future<AioFile>> openFromLoop(IoEventLoop loop, Path p, AioEngine engine) {
        CompletableFuture<Future<AioFile>> done = new CompletableFuture<>();
        loop.execute(() -> {
            Future<AioFile> f = AioFile.openAsync(loop, p, engine, StandardOpenOption.READ);
            f.addListener(x -> {
                if (loop.inEventLoop()) {
                    done.complete(f);
                } else {
                    done.completeExceptionally(new AssertionError("completed on " + Thread.currentThread()));
                }
            });
        });
        return done;
    }

    /**
     * Runs on the loop until {@code f} completes, yielding whenever another task is queued (the engine set-up
     * {@code open} needs, or the completion itself). It completes {@code verdict} with null when {@code f}
     * completed in a task of the loop (its listeners were notified in that same task), else with what it saw:
     * {@code f} completing while this task ran, or completed before its listeners ran.
     */
    private static final class Probe implements Runnable {
        private final SingleThreadEventExecutor loop;
        private final Future<AioFile> f;
        private final CompletableFuture<String> verdict = new CompletableFuture<>();
        private final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        private volatile boolean notified;

        Probe(IoEventLoop loop, Future<AioFile> f) {
            this.loop = (SingleThreadEventExecutor) loop;
            this.f = f;
            f.addListener(x -> notified = true);
        }

        @Override
        public void run() {
            if (f.isDone()) {
                verdict.complete(notified ? null : "completed before its listeners were notified on the loop");
                return;
            }
            while (System.nanoTime() < deadline) {
                if (f.isDone()) {
                    verdict.complete("completed by another thread while the loop ran an unrelated task");
                    return;
                }
                if (loop.pendingTasks() > 0) {
                    if (f.isDone()) {
                        verdict.complete("completed off the loop, then queued its listener notification");
                    } else {
                        loop.execute(this);
                    }
                    return;
                }
                Thread.yield();
            }
            verdict.complete("did not complete in " + TIMEOUT_SECONDS + " s");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void completesInATaskOfTheLoop(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(100);
        Path p = Files.write(dir.resolve("c.bin"), data);
        for (AioEngine engine : new AioEngine[] {AioEngine.AUTO, AioEngine.POSIX_AIO, AioEngine.BLOCKING}) {
            for (Path path : new Path[] {p, dir.resolve("missing")}) {
                Future<AioFile> f = AioFile.openAsync(loop, path, engine, StandardOpenOption.READ); // off the loop
                Probe probe = new Probe(loop, f);
                loop.execute(probe);
                assertNull(probe.verdict.get(2 * TIMEOUT_SECONDS, TimeUnit.SECONDS), engine + " " + path);
                if (path == p) {
                    await(f).close();
                } else {
                    assertInstanceOf(NoSuchFileException.class, f.cause());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void loopShuttingDownWhileOpeningFailsOrOpensWithoutLeaks(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("d.bin"), random(10));
        AioTestSupport.loop(type); // the shared loops exist before counting descriptors
        await(AioFile.openAsync(AioTestSupport.loop(type), p, AioEngine.BLOCKING)).close();
        Map<Integer, String> before = FdCount.snapshot();
        int opened = 0;
        // AUTO: IO_URING on an io_uring loop, whose registration then races the shutdown too.
        for (int i = 0; i < 20; i++) {
            IoEventLoopGroup group = type.newGroup(1);
            Future<AioFile> f = AioFile.openAsync(LoopType.loop(group), p, i % 2 == 0 ? AioEngine.BLOCKING
                    : AioEngine.AUTO);
            Future<?> terminated = group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            assertTrue(f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "never completed: " + f);
            if (f.isSuccess()) {
                opened++;
                f.getNow().close();
            } else {
                assertInstanceOf(IOException.class, f.cause());
            }
            assertTrue(terminated.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        assertTrue(FdCount.openedSince(before).isEmpty(), opened + " opened; descriptors leaked: "
                + FdCount.openedSince(before));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void nullOptionsThrowLikeOpen(LoopType type) {
        IoEventLoop loop = AioTestSupport.loop(type);
        Path p = dir.resolve("e.bin");
        assertThrows(NullPointerException.class, () -> AioFile.open(loop, p, AioEngine.AUTO, (OpenOption[]) null));
        assertThrows(NullPointerException.class,
                () -> AioFile.openAsync(loop, p, AioEngine.AUTO, (OpenOption[]) null));
        assertThrows(NullPointerException.class,
                () -> AioFile.openAsync(loop, p, AioEngine.AUTO, StandardOpenOption.READ, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void opensFromTheLoopAndCompletesOnIt(LoopType type) throws Exception {
        IoEventLoop loop = AioTestSupport.loop(type);
        byte[] data = random(5000);
        Path p = Files.write(dir.resolve("a.bin"), data);
        // Warm up the engines' process-wide resources before counting descriptors.
        AioEngine[] engines = {AioEngine.AUTO, AioEngine.POSIX_AIO, AioEngine.BLOCKING};
        for (AioEngine engine : engines) {
            try (AioFile file = await(openFromLoop(loop, p, engine).get(TIMEOUT_SECONDS, TimeUnit.SECONDS))) {
                ByteBuf b = Unpooled.directBuffer(1);
                try {
                    await(file.read(b, 0));
                } finally {
                    b.release();
                }
            }
        }
        Map<Integer, String> before = FdCount.snapshot();
        for (AioEngine engine : engines) {
            Future<AioFile> f = openFromLoop(loop, p, engine).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            try (AioFile file = await(f)) {
                assertEquals(loop, file.eventLoop());
                ByteBuf b = Unpooled.directBuffer(data.length);
                try {
                    assertEquals(data.length, (int) await(file.readFully(b, 0)));
                    assertArrayEquals(data, ByteBufUtil.getBytes(b));
                } finally {
                    b.release();
                }
            }
        }
        Future<AioFile> missing = openFromLoop(loop, dir.resolve("missing"), AioEngine.AUTO)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertInstanceOf(NoSuchFileException.class, assertThrows(Exception.class, () -> await(missing)));
        Future<AioFile> kqueue = openFromLoop(loop, p, AioEngine.KQUEUE_AIO).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertInstanceOf(UnsupportedOperationException.class, assertThrows(Exception.class, () -> await(kqueue)));
        assertTrue(FdCount.openedSince(before).isEmpty(), "descriptors leaked: " + FdCount.openedSince(before));
    }
}

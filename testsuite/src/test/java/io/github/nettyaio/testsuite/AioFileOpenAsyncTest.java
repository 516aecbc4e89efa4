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
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

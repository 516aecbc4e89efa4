/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16, "a loop never dies silently", the way item 1 killed the accepting loop: an {@code Error} thrown while
 * Netty logs a failure (there, loading the time-zone data with no descriptor left) escapes Netty's catch and ends
 * the loop's thread. The server's watchdog must notice and call the death action ({@code main}: exit 1).
 */
class LoopDeathTest {
    private static final RuntimeException MARK = new RuntimeException("a task failing (deliberate)");
    private static final Error LOGGING_FAILED = new ExceptionInInitializerError("logging failed (deliberate)");

    @TempDir
    Path dir;

    @Test
    void theAcceptingLoopDyingCallsTheDeathAction() throws Exception {
        assumeTrue(InternalLoggerFactory.getDefaultFactory() instanceof JdkLoggerFactory,
                "Netty logs through " + InternalLoggerFactory.getDefaultFactory() + ", not java.util.logging");
        CompletableFuture<Object[]> death = new CompletableFuture<>();
        Logger jul = Logger.getLogger("");
        // Fails like the JDK's logging did without a descriptor: only for the record of our task's failure.
        Handler failing = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getThrown() == MARK) {
                    throw LOGGING_FAILED;
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (HttpFileServer s = HttpFileServer.start(new HttpFileServerConfig().dir(dir).httpPort(0).httpsPort(-1)
                .transport(Transport.NIO), (loop, cause) -> death.complete(new Object[] {loop, cause}))) {
            EventLoop boss = s.serverChannel().eventLoop();
            jul.addHandler(failing);
            try {
                boss.execute(() -> {
                    throw MARK;
                });
                Object[] got = death.get(10, TimeUnit.SECONDS);
                assertSame(boss, got[0]);
                assertSame(LOGGING_FAILED, got[1]);
                assertTrue(((EventExecutor) got[0]).isTerminated());
            } finally {
                jul.removeHandler(failing);
            }
        }
    }
}

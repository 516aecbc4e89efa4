/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.github.nettyaio.file.AioEngine;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server checks a path, then opens it: a path that has become a FIFO in between (a local user swapping a
 * served file) is refused by the open itself, at once, in both body modes. A plain {@code open(2)} would wait
 * for a writer, for ever, and hold a disk thread.
 */
class FifoSwapTest {
    interface Mkfifo extends Library {
        int mkfifo(String path, int mode);
    }

    @TempDir
    static Path dir;
    private static IoEventLoopGroup group;

    @BeforeAll
    static void loop() {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "mkfifo through glibc");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void shutdown() {
        if (group != null) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ChunkedAioFile", "ChunkedFile"})
    void aPathThatBecameAFifoIsRefusedAtOnce(String mode) {
        FileBodies bodies = mode.equals("ChunkedFile") ? FileBodies.chunkedFile() : FileBodies.aio(AioEngine.AUTO);
        Path fifo = dir.resolve("swapped-" + mode);
        assertEquals(0, Native.load("c", Mkfifo.class).mkfifo(fifo.toString(), 0600), "mkfifo " + fifo);
        IoEventLoop loop = (IoEventLoop) group.next();
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> bodies.open(fifo, loop)));
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
    }
}

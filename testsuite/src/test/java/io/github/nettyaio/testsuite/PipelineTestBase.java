/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.testing.FdCount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the pipeline tests (real sockets, real files) share: a temporary directory, a descriptor count around each
 * test (after the once-per-process loops, rings and threads exist, and once closed sockets are really closed), and
 * the shutdown of the socket and file loops after the class.
 */
abstract class PipelineTestBase {
    @TempDir
    Path dir;
    private Map<Integer, String> fdsBefore;

    @BeforeEach
    void warmUpAndCount() throws Exception {
        SocketSupport.warmUp(Files.write(dir.resolve("warm.bin"), new byte[16]));
        fdsBefore = FdCount.snapshot();
    }

    @AfterEach
    void noFdLeak() throws Exception {
        SocketSupport.settle(fdsBefore);
        assertEquals(List.of(), FdCount.openedSince(fdsBefore), "file descriptors leaked");
    }

    @AfterAll
    static void shutdownLoops() {
        SocketSupport.shutdownAll();
        AioTestSupport.shutdownAll();
    }
}

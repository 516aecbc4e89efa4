/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.testing.FdCount;
import io.netty.channel.IoEventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the pipeline tests (real sockets, real files) share: a temporary directory, a descriptor count around each
 * test (after the once-per-process loops, rings and threads exist, and once closed sockets are really closed), and
 * the shutdown of the socket and file loops after the class. Its callbacks run on JUnit's test thread; a leaked
 * descriptor fails the test with an {@link AssertionError} naming it.
 *
 * <p>It is critical that a subclass makes its own groups through {@link #ownGroup}, not directly: a group this base
 * does not know of is not shut down before the count, and its descriptors show up as leaks.
 */
abstract class PipelineTestBase {
    @TempDir
    Path dir;
    private Map<Integer, String> fdsBefore;
    private boolean socketsClosedByTeardown;
    private final List<IoEventLoopGroup> ownGroups = new ArrayList<>();

    @BeforeEach
    void warmUpAndCount() throws Exception {
        SocketSupport.warmUp(Files.write(dir.resolve("warm.bin"), new byte[16]));
        fdsBefore = FdCount.snapshot();
        socketsClosedByTeardown = false;
    }

    /**
     * A one-loop socket group of {@code type} for a test that shuts it down under open channels (it is shut down
     * after the test in any case). The sockets of an io_uring loop are then closed by the kernel's asynchronous
     * ring teardown, after the loop has terminated, with nothing to wait on: the descriptor check of such a test
     * leaves sockets out (files, pipes and rings are still counted).
     */
    IoEventLoopGroup ownGroup(LoopType type) {
        IoEventLoopGroup g = type.newGroup(1);
        ownGroups.add(g);
        socketsClosedByTeardown = true;
        return g;
    }

    @AfterEach
    void noFdLeak() throws Exception {
        for (IoEventLoopGroup group : ownGroups) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
        ownGroups.clear();
        SocketSupport.settle(fdsBefore);
        List<String> leaked = FdCount.openedSince(fdsBefore);
        // The JVM itself briefly opens its cgroup's files (e.g. memory.limit_in_bytes when the JIT sizes its
        // compiler threads), from its own threads at any time: not ours.
        leaked.removeIf(fd -> fd.contains("/sys/fs/cgroup/"));
        if (socketsClosedByTeardown) {
            leaked.removeIf(fd -> fd.contains("socket:"));
        }
        assertEquals(List.of(), leaked, "file descriptors leaked");
    }

    @AfterAll
    static void shutdownLoops() {
        SocketSupport.shutdownAll();
        AioTestSupport.shutdownAll();
    }
}

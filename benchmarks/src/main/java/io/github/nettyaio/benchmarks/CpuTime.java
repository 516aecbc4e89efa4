/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Process CPU time (user + system, all threads, including glibc's AIO threads) from {@code /proc/self/stat}. */
final class CpuTime {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private CpuTime() {
    }

    static long processCpuNanos() throws IOException {
        String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) * (1_000_000_000L / TICKS_PER_SECOND);
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Slows the disk reads one thread starts (Linux, cgroup v1 {@code blkio}, root): while open, the calling thread
 * sits in a {@code blkio} cgroup whose {@code blkio.throttle.read_bps_device} limits reads from the disk holding
 * a file, so a read that thread starts, larger than what the throttle lets through at once (a tenth of a second's
 * worth), is held in the block layer and can't complete within the call that started it. (An IOPS limit would
 * not do: the first request of each time slice passes at once.) A test uses it to make "this read had to wait for the disk" deterministic: a fast virtual disk
 * otherwise finishes the read a {@code preadv2(RWF_NOWAIT)} miss starts before that call returns (seen in 1 to 20%
 * of tries here), and the read is then rightly served at once. Other threads (a ring's, io-wq's) are not slowed.
 */
public final class ReadThrottle implements AutoCloseable {
    private static final Path BLKIO = Paths.get("/sys/fs/cgroup/blkio");

    private final Path group;
    private final Path home;
    private final String tid;

    private ReadThrottle(Path group, Path home, String tid) {
        this.group = group;
        this.home = home;
        this.tid = tid;
    }

    /** The calling thread's blkio cgroup directory, from {@code /proc/thread-self/cgroup} ("7:blkio:/a/b"). */
    private static Path blkioGroupOfCurrentThread() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/thread-self/cgroup"), StandardCharsets.UTF_8)) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && java.util.Arrays.asList(f[1].split(",")).contains("blkio")) {
                return BLKIO.resolve(f[2].substring(1));
            }
        }
        throw new UnsupportedOperationException("no blkio line in /proc/thread-self/cgroup");
    }

    /**
     * Puts the calling thread in a new {@code blkio} cgroup limiting reads from {@code file}'s disk to
     * {@code bytesPerSecond}.
     *
     * @throws UnsupportedOperationException where that can't be done (no cgroup v1 {@code blkio}, not root, the
     *                                       file on a partition or a virtual device): the message says why, for
     *                                       an assumption
     */
    public static ReadThrottle ofCurrentThread(Path file, long bytesPerSecond) throws IOException {
        if (!Files.isWritable(BLKIO.resolve("tasks"))
                || !Files.exists(BLKIO.resolve("blkio.throttle.read_bps_device"))) {
            throw new UnsupportedOperationException("no writable cgroup v1 blkio controller at " + BLKIO);
        }
        long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        // "/proc/thread-self" -> "PID/task/TID"
        String tid = Files.readSymbolicLink(Paths.get("/proc/thread-self")).getFileName().toString();
        Path home = blkioGroupOfCurrentThread();
        Path group = home.resolve("nettyaio-test-" + tid + "-" + System.nanoTime());
        try {
            Files.createDirectory(group);
        } catch (IOException e) {
            throw new UnsupportedOperationException("can't create a blkio cgroup: " + e);
        }
        try {
            try {
                write(group.resolve("blkio.throttle.read_bps_device"), major + ":" + minor + " " + bytesPerSecond);
            } catch (IOException e) {
                throw new UnsupportedOperationException("can't throttle reads from device " + major + ":" + minor
                        + " (a partition or a virtual device?): " + e.getMessage());
            }
            write(group.resolve("tasks"), tid);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(group);
            throw e;
        }
        return new ReadThrottle(group, home, tid);
    }

    private static void write(Path control, String value) throws IOException {
        Files.write(control, value.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Moves the thread back to the cgroup it came from, with every thread it started meanwhile (which inherited
     * the cgroup: a lazily started shared ring's, say), and removes this one. Any thread.
     */
    @Override
    public void close() throws IOException {
        try {
            write(home.resolve("tasks"), tid);
        } finally {
            for (String t : Files.readAllLines(group.resolve("tasks"), StandardCharsets.US_ASCII)) {
                if (!t.isBlank()) {
                    try {
                        write(home.resolve("tasks"), t.trim());
                    } catch (IOException gone) {
                        // the thread ended meanwhile
                    }
                }
            }
            Files.deleteIfExists(group);
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A 1 MiB tmpfs mounted for a test (a real {@code ENOSPC}), unmounted by {@link #close()}. Mounting needs root:
 * where it is refused, {@link #mount} skips the calling test with a JUnit assumption saying so. Everything runs
 * on the calling thread and waits for {@code mount}/{@code umount}.
 *
 * <p>It is critical to close it (try-with-resources): a mount left behind outlives the test's directory.
 */
public final class TinyTmpfs implements AutoCloseable {
    private static final int TIMEOUT_SECONDS = 30;
    /** The mount point. */
    public final Path dir;

    private TinyTmpfs(Path dir) {
        this.dir = dir;
    }

    /**
     * Mounts a 1 MiB tmpfs on a new directory {@code name} under {@code parent}.
     *
     * @throws Exception when the directory can't be made or {@code mount} can't be started
     */
    public static TinyTmpfs mount(Path parent, String name) throws Exception {
        Path mnt = Files.createDirectory(parent.resolve(name));
        String failed = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
        Assumptions.assumeTrue(failed == null, () -> "can't mount a 1 MiB tmpfs (needs root): " + failed);
        return new TinyTmpfs(mnt);
    }

    /** Unmounts it; throws {@link AssertionError} when {@code umount} fails. */
    @Override
    public void close() throws Exception {
        String failed = run("umount", dir.toString());
        if (failed != null) {
            throw new AssertionError("umount " + dir + ": " + failed);
        }
    }

    /** Runs a command; null when it succeeded, else its exit status and output. */
    public static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream out = process.getInputStream(); OutputStream in = process.getOutputStream();
             InputStream err = process.getErrorStream()) {
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out: " + output;
            }
            return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
        }
    }
}

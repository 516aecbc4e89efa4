/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import com.sun.jna.LastErrorException;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a file system takes {@code O_DIRECT}, for the tests of direct I/O: {@link #assumeSupported} skips the
 * calling test only when the kernel refuses {@code O_DIRECT} itself ({@code EINVAL} at open, as tmpfs before Linux
 * 6.6 and some FUSE file systems do) or the OS has no {@code O_DIRECT} (macOS), and throws on any other failure.
 * Runs on the calling thread; opens with its own {@code open(2)}, never netty-aio's.
 *
 * <p>It is critical that a test probes first and then opens its file <em>without</em> catching the open's
 * {@code IOException}: a skip on any {@code IOException} would hide a broken {@code O_DIRECT} open as a skip.
 */
public final class DirectIo {
    private DirectIo() {
    }

    /**
     * Skips the calling test (a JUnit assumption) when {@code path}'s file system refuses {@code O_DIRECT}: opens
     * {@code path} read-only with {@code O_DIRECT} when it is a file, else a new empty file in the directory
     * {@code path} (deleted again). Runs on the calling thread.
     *
     * @throws IOException when the probing open fails with anything but {@code EINVAL} (the test then fails), or
     *                     the probe file can't be created
     */
    public static void assumeSupported(Path path) throws IOException {
        int oDirect = Posix.oDirect();
        Assumptions.assumeTrue(oDirect != -1, () -> "no O_DIRECT known on " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        boolean directory = Files.isDirectory(path);
        Path file = directory ? Files.createTempFile(path, "direct-io-probe", ".bin") : path;
        try {
            int fd = Posix.open(Posix.pathBytes(file), Posix.O_RDONLY | oDirect);
            Posix.close(fd);
        } catch (LastErrorException failed) {
            Assumptions.assumeTrue(failed.getErrorCode() != Posix.EINVAL,
                    () -> "O_DIRECT refused (EINVAL) by the file system of " + path);
            throw new IOException("open " + file + " with O_DIRECT: errno " + failed.getErrorCode(), failed);
        } finally {
            if (directory) {
                Files.delete(file);
            }
        }
    }
}

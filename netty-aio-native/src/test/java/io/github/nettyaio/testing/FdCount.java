/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Counts this process's open file descriptors through {@code /proc/self/fd} (Linux). */
public final class FdCount {
    private FdCount() {
    }

    /** Whether {@code /proc/self/fd} exists. */
    public static boolean supported() {
        return Files.isDirectory(Paths.get("/proc/self/fd"));
    }

    /** The number of open descriptors (not counting the one used to list them). */
    public static int open() {
        try (Stream<Path> s = Files.list(Paths.get("/proc/self/fd"))) {
            return (int) s.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

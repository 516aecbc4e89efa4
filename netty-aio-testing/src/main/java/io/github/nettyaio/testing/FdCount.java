/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This process's open file descriptors through {@code /proc/self/fd} (Linux), for leak checks.
 *
 * <p>Descriptors of {@code .jar} files are ignored: the JVM's class loaders open jars lazily the first
 * time a class is loaded from them and keep them open, which is not a leak of the code under test; so is
 * the listing's own descriptor of {@code /proc/self/fd}. So are files under {@code /sys/fs/cgroup}: the JVM's
 * container support opens them briefly on its own threads (e.g. {@code memory.stat} when sizing the heap),
 * which a snapshot can catch mid-read. So is libffi's executable-memory file ({@code ffiXXXXXX}, unlinked at
 * once): JNA's libffi maps one the first time it needs a new chunk of call trampolines and keeps it for the
 * life of the process. And the JDK's own socket pair for closing channels ({@code FileDispatcherImpl}'s
 * pre-close descriptor), made on the first use of a {@code FileChannel} (e.g. by {@code Files.write}) and kept
 * for the life of the process, is made before any snapshot: its first use inside a test is no leak.
 * Runs on the calling thread; a failure to list the directory is thrown as {@link UncheckedIOException}.
 *
 * <p>It is critical to take the snapshot a test compares against only after the once-per-process descriptors
 * (loops, rings, the engines' threads) exist: otherwise their first creation shows up as a leak.
 */
public final class FdCount {
    private static final Path PROC_FD = Paths.get("/proc/self/fd");
    private static final java.util.regex.Pattern LIBFFI_EXEC =
            java.util.regex.Pattern.compile(".*/ffi\\w{6} \\(deleted\\)");

    static {
        try (java.nio.channels.FileChannel ignored = java.nio.channels.FileChannel.open(Paths.get("/dev/null"))) {
            // opened for the JDK's lazily made descriptors only
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private FdCount() {
    }

    /** Whether {@code /proc/self/fd} exists; any thread. */
    public static boolean supported() {
        return Files.isDirectory(PROC_FD);
    }

    /** The open descriptors and what they point to, jars excluded. */
    public static Map<Integer, String> snapshot() {
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC_FD)) {
            for (Path entry : entries) {
                String target;
                try {
                    target = Files.readSymbolicLink(entry).toString();
                } catch (IOException closed) {
                    continue; // closed meanwhile, or the directory stream's own fd
                }
                if (!target.endsWith(".jar") && !target.matches("/proc/\\d+/fd")
                        && !target.startsWith("/sys/fs/cgroup/") && !LIBFFI_EXEC.matcher(target).matches()) {
                    fds.put(Integer.parseInt(entry.getFileName().toString()), target);
                }
            }
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        return fds;
    }

    /** The number of open descriptors, jars excluded. */
    public static int open() {
        return snapshot().size();
    }

    /** Descriptors open now that were not in {@code before}, as {@code "fd -> target"}. */
    public static List<String> openedSince(Map<Integer, String> before) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, String> fd : snapshot().entrySet()) {
            if (!fd.getValue().equals(before.get(fd.getKey()))) {
                out.add(fd.getKey() + " -> " + fd.getValue());
            }
        }
        return out;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Evicts a file from the page cache, so that its next reads wait for the disk: on a shared io_uring ring they then
 * stay in flight (a page-cache hit would be read on the caller's loop at once). Linux: {@code fsync} then
 * {@code posix_fadvise(POSIX_FADV_DONTNEED)}, which drops clean pages; tmpfs keeps them (its reads go to the ring
 * anyway). No root needed. Runs on the calling thread and blocks it.
 *
 * <p>It is critical that callers skip (assume), not fail, when {@link #evict} returns false: a page the kernel
 * won't drop (still under writeback, say) is no failure of the code under test.
 */
public final class PageCache {
    /** {@code POSIX_FADV_DONTNEED} on Linux (every architecture but s390x, which nothing here runs on). */
    private static final int POSIX_FADV_DONTNEED = 4;

    private PageCache() {
    }

    /**
     * Evicts {@code file}, trying a few times; returns whether its first page is out of the page cache (checked
     * with {@code mincore}, through {@code MappedByteBuffer.isLoaded} of a one-page mapping, which faults nothing
     * in). On tmpfs, true at once (see there). Runs on the calling thread.
     *
     * @throws IOException when the file can't be opened, synced or advised
     */
    public static boolean evict(Path file) throws IOException {
        if ("tmpfs".equals(Files.getFileStore(file).type())) {
            // Nothing to evict (tmpfs pages live in the page cache), and nothing to gain: tmpfs refuses
            // RWF_NOWAIT (Linux 6.18), so its reads all go to the ring.
            return true;
        }
        int fd;
        try {
            fd = Posix.open(Posix.pathBytes(file), Posix.O_RDONLY);
        } catch (LastErrorException failed) {
            throw new IOException("open " + file + ": errno " + failed.getErrorCode(), failed);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int attempt = 0; attempt < 10; attempt++) {
                try {
                    Posix.fsync(fd);
                } catch (LastErrorException failed) {
                    throw new IOException("fsync " + file + ": errno " + failed.getErrorCode(), failed);
                }
                int err = Posix.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);   // returns the error, not -1
                if (err != 0) {
                    throw new IOException("posix_fadvise " + file + ": errno " + err);
                }
                if (!ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(4096, ch.size())).isLoaded()) {
                    return true;
                }
            }
            return false;
        } finally {
            Posix.close(fd);
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.sys.ErrnoException;

import java.nio.file.FileSystemException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What a failed disk operation means for the client: the file system is full ({@code ENOSPC}, {@code EDQUOT}:
 * {@code 507 Insufficient Storage}), or a name is too long ({@code ENAMETOOLONG}: no such file). Recognises the
 * errno of {@link ErrnoException} (netty-aio's files) and the messages of {@code java.nio.file} (the JDK reports
 * these errnos only as {@code strerror} text). Pure computation: any thread.
 */
final class DiskErrors {
    /** {@code ENOSPC}: the same on every platform. */
    private static final int ENOSPC = 28;
    /** {@code EDQUOT} on Linux (every architecture but MIPS, where it is 1133). */
    private static final int EDQUOT = 122;
    /** {@code ENAMETOOLONG} on Linux. */
    private static final int ENAMETOOLONG = 36;

    private DiskErrors() {
    }

    /** Whether {@code t} (or a cause or suppressed exception of it) says the file system is full. */
    static boolean isOutOfSpace(Throwable t) {
        return find(t, ENOSPC, "No space left on device") || find(t, EDQUOT, "Disk quota exceeded");
    }

    /** Whether {@code t} (or a cause of it) says a file name or path is too long. */
    static boolean isNameTooLong(Throwable t) {
        return find(t, ENAMETOOLONG, "File name too long");
    }

    private static boolean find(Throwable t, int errno, String text) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        return find(t, errno, text, seen);
    }

    private static boolean find(Throwable t, int errno, String text, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        if (t instanceof ErrnoException && ((ErrnoException) t).errno() == errno) {
            return true;
        }
        String reason = t instanceof FileSystemException ? ((FileSystemException) t).getReason() : t.getMessage();
        if (reason != null && reason.contains(text)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (find(s, errno, text, seen)) {
                return true;
            }
        }
        return find(t.getCause(), errno, text, seen);
    }
}

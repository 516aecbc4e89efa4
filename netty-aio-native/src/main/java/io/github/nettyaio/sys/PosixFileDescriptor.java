/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.Platform;

import io.netty.channel.unix.FileDescriptor;

import java.io.Closeable;
import java.io.IOException;

/**
 * A file descriptor opened by {@link PosixFiles#open}: a Netty {@link FileDescriptor} that remembers the
 * path it was opened from (for error messages) and the open flags, and whose {@link #close()} goes through
 * JNA, so it works without any Netty native library loaded.
 */
public final class PosixFileDescriptor extends FileDescriptor implements Closeable {
    private final String path;
    private final int flags;

    PosixFileDescriptor(int fd, String path, int flags) {
        super(fd);
        this.path = path;
        this.flags = flags;
    }

    /** The path this descriptor was opened from, or null. */
    public String path() {
        return path;
    }

    /** The {@code open(2)} flags it was opened with. */
    public int flags() {
        return flags;
    }

    /** Whether it was opened with {@code O_DIRECT}. */
    public boolean isDirect() {
        Abi abi = Platform.abi();
        return (flags & abi.constants().O_DIRECT) != 0;
    }

    /** What error messages name: the path, or {@code fd N} when there is none. */
    public String target() {
        return target(this);
    }

    /** What error messages should name for {@code fd}: its path when it is a {@link PosixFileDescriptor}. */
    public static String target(FileDescriptor fd) {
        if (fd instanceof PosixFileDescriptor && ((PosixFileDescriptor) fd).path != null) {
            return ((PosixFileDescriptor) fd).path;
        }
        return "fd " + fd.intValue();
    }

    /**
     * Closes the descriptor with {@code close(2)}; later calls do nothing. The descriptor is released even
     * when {@code close} reports an error (POSIX leaves it closed on Linux and FreeBSD).
     *
     * @throws IOException the errno of {@code close(2)} (e.g. {@code EIO} from a deferred write error)
     */
    @Override
    public void close() throws IOException {
        if (markClosed()) {
            if (LibC.close(intValue()) != 0) {
                throw Errno.lastException("close", target());
            }
        }
    }

    @Override
    public String toString() {
        return "PosixFileDescriptor(fd=" + intValue() + (path != null ? ", " + path : "")
                + (isOpen() ? "" : ", closed") + ")";
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.sys.ErrnoException;
import io.github.nettyaio.sys.internal.Errno;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;

/**
 * The exceptions of one {@link AioFile}: an engine's {@code -errno} turned into an {@link IOException} naming the
 * call, the path and the errno, and the argument checks made before any I/O. Stateless after construction, so
 * any thread may use it. It is critical that an {@code EINVAL} under {@code O_DIRECT} goes through
 * {@link #transfer}: that is where it learns which alignment the file system asks for.
 */
final class FileErrors {
    private final String path;
    /** The file is open with {@code O_DIRECT}. */
    private final boolean oDirect;
    /** Under {@code O_DIRECT}: the offset alignment the file system reports ({@code STATX_DIOALIGN}), 0 if unknown. */
    private final int dioAlignment;

    FileErrors(String path, boolean oDirect, int dioAlignment) {
        this.path = path;
        this.oDirect = oDirect;
        this.dioAlignment = dioAlignment;
    }

    /** The path every message names. */
    String path() {
        return path;
    }

    /** {@code APPEND} is refused: positional writes ignore it. */
    static void checkOpenOptions(OpenOption... options) {
        for (OpenOption option : options) {
            if (option == StandardOpenOption.APPEND) {
                throw new IllegalArgumentException("APPEND is not supported: AioFile writes at explicit positions");
            }
        }
    }

    /** Null when {@code position} is valid, else the exception an operation at it fails with. */
    static IllegalArgumentException checkPosition(long position) {
        return position < 0 ? new IllegalArgumentException("negative position: " + position) : null;
    }

    /** {@code loop} takes no more tasks. */
    static IOException loopShutDown(EventLoop loop, Throwable cause) {
        return new IOException("event loop " + loop + " is shut down", cause);
    }

    /** The exception for {@code -errno} result {@code r} of {@code fsync} ({@code fdatasync} if {@code dataOnly}). */
    IOException sync(boolean dataOnly, long r) {
        return Errno.newException(dataOnly ? "fdatasync" : "fsync", path, (int) -r);
    }

    /**
     * The exception for {@code -errno} result {@code r} of {@code call} transferring {@code length} bytes at
     * {@code position}; explains an {@code EINVAL} under {@code O_DIRECT} with the alignment the file system asks
     * for.
     */
    IOException transfer(String call, long r, long position, long length) {
        int errno = (int) -r;
        // Blamed on alignment where the request is misaligned for what the file system reports, or where it
        // reports nothing; an aligned request's EINVAL has another cause and gets the plain message.
        boolean misaligned = dioAlignment <= 0 || ((position | length) & (dioAlignment - 1)) != 0;
        if (errno == Errno.EINVAL && oDirect && misaligned) {
            String needs = dioAlignment > 0
                    ? "aligned to " + dioAlignment + " bytes (the file system's STATX_DIOALIGN)"
                    : "aligned to the device's logical block size (multiples of " + AlignedBuffers.DIRECT_ALIGNMENT
                            + " are safe)";
            return new ErrnoException(call, path, errno, Errno.name(errno),
                    call + "(" + path + "): " + Errno.format(errno) + ": the file is open with O_DIRECT, which needs"
                            + " the position and length " + needs + ", here " + length + " bytes at " + position
                            + " (buffers are staged through " + AlignedBuffers.DIRECT_ALIGNMENT
                            + "-aligned memory when they are not aligned themselves)");
        }
        return Errno.newException(call, path, errno);
    }

    /** A write step the kernel reported 0 bytes for, out of {@code length}. */
    IOException zeroWrite(int length) {
        return new IOException("pwrite(" + path + ") wrote 0 of " + length + " bytes");
    }

    /** What the operations in flight fail with when the file's loop terminates. */
    IOException inFlightAtShutdown(EventLoop loop) {
        return new IOException("event loop " + loop + " shut down with an operation on " + path + " in flight");
    }

    /** What the close future fails with when the engine learns its operations in flight will never report. */
    IOException abandonedInFlight(AioEngine engine) {
        return new IOException("operations on " + path + " were abandoned in flight (their " + engine
                + " ring shut down first): the descriptor and their buffers are deliberately leaked, never freed"
                + " under the kernel");
    }

    /** What {@link AioFile#openAsync} fails with when its loop is gone before the open file was handed over. */
    IOException shutDownWhileOpening(EventLoop loop, Throwable cause) {
        return new IOException("event loop " + loop + " shut down while opening " + path, cause);
    }
}

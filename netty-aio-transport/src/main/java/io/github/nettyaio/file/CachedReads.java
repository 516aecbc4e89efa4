/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.AioProperties;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.LinuxLib;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.StructField;
import io.github.nettyaio.sys.internal.StructLayout;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Reads of one buffered file that the page cache can serve at once, done right on the calling (file's) loop with
 * {@code preadv2(..., RWF_NOWAIT)}, which never waits for the disk: it copies what is cached or fails with
 * {@code EAGAIN}. For a file on a shared io_uring ring this saves the two thread hand-overs of a ring read, which
 * for page-cache hits cost more than the read itself. Confined to the file's loop; never throws: anything it
 * can't do at once (not cached, not supported by the file system, any error) returns {@link #NOT_NOW}, and the
 * ring then does the read and reports it as it always does. On by default on Linux; {@value #PROPERTY}{@code
 * =false} turns it off. A file system without non-blocking buffered reads (tmpfs as of Linux 6.18) answers
 * {@code EOPNOTSUPP} once, after which this file's reads all go to the ring.
 *
 * <p>It is critical that a read be tried here only while nothing of the file is on the ring: done at once, it
 * would otherwise overtake a write (or read) issued before it.
 */
final class CachedReads {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(CachedReads.class);

    /** System property: {@code false} sends every read of a shared-ring file to the ring. */
    static final String PROPERTY = AioProperties.INLINE_CACHED_READS;
    private static final boolean ENABLED = AioProperties.inlineCachedReads() && linked();

    /** The result of a read this could not do at once: the caller hands it to the ring. */
    static final long NOT_NOW = -1;

    /** One {@code struct iovec} for single-buffer reads; allocated on first use, freed by {@link #close()}. */
    private long iov;
    /** The file system refused {@code RWF_NOWAIT}: every read goes to the ring. */
    private boolean unsupported;

    private CachedReads() {
    }

    /** Whether cached reads are on: Linux, {@code preadv2} linked, not turned off by {@value #PROPERTY}. */
    static boolean enabled() {
        return ENABLED;
    }

    /** A reader for one buffered file, or null where cached reads are off or impossible (not Linux, no preadv2). */
    static CachedReads forBufferedFile() {
        return ENABLED ? new CachedReads() : null;
    }

    private static boolean linked() {
        if (Platform.os() != Platform.Os.LINUX || !Platform.hasAbi()) {
            return false;
        }
        try {
            // A length-0 read of an invalid descriptor: links the call and proves it is there (EBADF).
            return LinuxLib.Preadv2.preadv2(-1, 0, 0, 0, LinuxLib.Preadv2.RWF_NOWAIT) == -1;
        } catch (LinkageError | RuntimeException failure) {
            logger.debug("preadv2 unavailable: every shared-ring read goes to the ring", failure);
            return false;
        }
    }

    /**
     * {@code pread(fd, address, length, position)} from the page cache only: the bytes read ({@code 0} at EOF;
     * fewer than asked when only part is cached), or {@link #NOT_NOW}. On the file's loop; never waits for file
     * I/O, though touching the destination memory may fault, as any copy into it would (a file-mapped buffer, say).
     * On a miss the kernel starts reading the missing pages before it fails (Linux 6.18), so the ring read that
     * follows waits for I/O already under way; a fast device sometimes finishes it within this call, and the read
     * then succeeds here. Starting that read is not free of waits either: with the device's request queue full,
     * submitting it waits for a free request, as any buffered read would (only one such attempt is made while the
     * file has anything on the ring).
     */
    long read(int fd, long address, int length, long position) {
        if (unsupported) {
            return NOT_NOW;
        }
        if (iov == 0) {
            iov = NativeMemory.allocateZeroed(Iovec.LAYOUT.size());
        }
        NativeMemory.putField(iov, Iovec.BASE, address);
        NativeMemory.putField(iov, Iovec.LEN, length);
        return readv(fd, iov, 1, position);
    }

    /** {@code preadv(fd, iov, iovcnt, position)} from the page cache only; as {@link #read}. */
    long readv(int fd, long iov, int iovcnt, long position) {
        if (unsupported) {
            return NOT_NOW;
        }
        long result = LinuxLib.Preadv2.preadv2(fd, iov, iovcnt, position, LinuxLib.Preadv2.RWF_NOWAIT);
        if (result >= 0) {
            return result;
        }
        int errno = LibC.errno();
        AbiConstants constants = Platform.abi().constants();
        if (errno == constants.EOPNOTSUPP || errno == constants.ENOSYS || errno == Errno.EPERM) {
            // This file system (or kernel) can't, or a seccomp filter forbids the call: don't ask again.
            unsupported = true;
            logger.debug("preadv2(RWF_NOWAIT) refused (errno {}) on fd {}: its reads go to the ring", errno, fd);
        }
        return NOT_NOW;                      // EAGAIN (not cached), EINTR, or an error the ring will report
    }

    /** Frees the iovec. On the file's loop, once no read runs any more. */
    void close() {
        long address = iov;
        iov = 0;
        if (address != 0) {
            NativeMemory.free(address);
        }
    }

    /** The platform's {@code struct iovec}. */
    private static final class Iovec {
        static final StructLayout LAYOUT = Platform.abi().iovec();
        static final StructField BASE = LAYOUT.field("iov_base");
        static final StructField LEN = LAYOUT.field("iov_len");
    }
}

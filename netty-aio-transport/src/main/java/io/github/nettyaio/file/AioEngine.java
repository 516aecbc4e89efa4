/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

/**
 * How an {@link AioFile} does its I/O. {@link AioFile#engine()} reports the one actually used; whatever the
 * engine, futures complete on the file's event loop. It is critical to ask for an explicit engine only where the
 * platform and loop can run it: {@link AioFile#open} otherwise throws {@link UnsupportedOperationException}
 * naming why, where {@link #AUTO} would have picked one that runs.
 */
public enum AioEngine {
    /**
     * Choose: {@link #IO_URING} on an io_uring event loop; {@link #KQUEUE_AIO} on a kqueue loop on FreeBSD;
     * on Linux with io_uring available and any other loop, {@link #IO_URING} on a shared io_uring loop whose
     * completions hop back to the file's loop; else {@link #POSIX_AIO} where the kernel implements POSIX AIO
     * (FreeBSD); else {@link #BLOCKING}.
     */
    AUTO,
    /** io_uring through Netty's {@code IoUringIoHandler}: the file's own loop if it is one, else a shared ring. */
    IO_URING,
    /** FreeBSD kernel POSIX AIO whose completions the kernel posts to the loop's kqueue. */
    KQUEUE_AIO,
    /** POSIX AIO ({@code aio_read}/{@code aio_write}/{@code aio_fsync}); on glibc, its user-space thread pool. */
    POSIX_AIO,
    /** {@code pread}/{@code pwrite}/{@code fsync} on a bounded pool of threads; completions run on the file's loop. */
    BLOCKING
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

/**
 * The one small interface the engines implement: positional transfers between a file and native memory,
 * and syncs, for one {@link AioFile}. Everything else (argument checks, buffer staging and pinning, retries,
 * errno → exception mapping, close ordering, completion of the user's futures) is {@link AioFile}'s.
 *
 * <p>Contract for every transfer and sync: called on the file's event loop thread; calls {@code done} exactly once,
 * on the file's event loop thread, with the number of bytes transferred (0 for syncs and at EOF) or
 * {@code -errno}; never throws for an I/O error. The memory at {@code address} stays valid until then (the
 * caller pins it), and an engine must not let the kernel touch it after calling {@code done}. Once the file's
 * loop has shut down, an engine that still learns of a completion calls {@code done} on its own thread (so
 * the caller can release the memory and the descriptor) or, if it never learns of it, never calls it.
 */
interface FileEngine {
    /** What a finished operation reports. */
    interface Completion {
        /**
         * The operation finished.
         *
         * @param result bytes transferred ({@code >= 0}) or {@code -errno}
         */
        void complete(long result);
    }

    /** The engine actually in use (never {@link AioEngine#AUTO}). */
    AioEngine kind();

    /** {@code pread(fd, address, length, position)}. */
    void read(int fd, long address, int length, long position, Completion done);

    /** {@code pwrite(fd, address, length, position)}. */
    void write(int fd, long address, int length, long position, Completion done);

    /**
     * Whether {@link #readv}/{@link #writev} take {@code iovec} arrays natively. When false (the default)
     * {@link AioFile} stages vectored and composite transfers through one contiguous buffer and never calls them.
     */
    default boolean vectored() {
        return false;
    }

    /** {@code preadv(fd, iov, iovcnt, position)}: {@code iov} addresses {@code iovcnt} {@code iovec}s. */
    default void readv(int fd, long iov, int iovcnt, long position, Completion done) {
        throw new UnsupportedOperationException(kind() + " has no readv");
    }

    /** {@code pwritev(fd, iov, iovcnt, position)}. */
    default void writev(int fd, long iov, int iovcnt, long position, Completion done) {
        throw new UnsupportedOperationException(kind() + " has no writev");
    }

    /** {@code fsync(fd)}, or {@code fdatasync(fd)} when {@code dataOnly}. */
    void sync(int fd, boolean dataOnly, Completion done);

    /**
     * Best effort: asks the kernel to cancel every operation still in flight; each still reports through its
     * {@code done} (with {@code -ECANCELED} or its real result). Not called by {@link AioFile#close()}, which
     * lets operations finish with their own results; engines use it when their own ring or loop goes away.
     */
    void cancelAll();

    /**
     * Registers {@code listener}, run at most once on any thread when the engine learns that operations it still
     * holds will never report (their {@code done} is never called, their memory stays pinned): e.g. the
     * io_uring loop whose ring they were on terminated first. {@link AioFile} then fails its close future
     * instead of letting it wait forever. Engines whose operations always report ignore it.
     */
    default void whenAbandoned(Runnable listener) {
    }

    /** Releases the engine's resources; called once, on the loop, after every operation has reported. */
    void close();
}

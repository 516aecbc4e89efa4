/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Direct-mapped libc calls. Pointers are passed as {@code long} addresses (every supported platform is
 * LP64). Calls return what C returns; on {@code -1} read {@link Native#getLastError()} for errno, and turn it
 * into an exception with {@link Errno}.
 */
public final class LibC {
    static {
        Native.register(LibC.class, NativeLibs.libc());
    }

    /** {@code SEEK_CUR} is 1 on every POSIX system. */
    public static final int SEEK_CUR = 1;
    /** {@code SEEK_END} is 2 on every POSIX system. */
    public static final int SEEK_END = 2;
    /** {@code F_GETFL}: 3 on Linux ({@code asm-generic/fcntl.h}) and FreeBSD ({@code sys/fcntl.h}) alike. */
    public static final int F_GETFL = 3;
    /** {@code F_SETFL}: 4 on Linux and FreeBSD alike. */
    public static final int F_SETFL = 4;

    private LibC() {
    }

    /** {@code close(2)}. */
    public static native int close(int fd);

    /** {@code pread(2)}. */
    public static native long pread(int fd, long buf, long count, long offset);

    /** {@code pwrite(2)}. */
    public static native long pwrite(int fd, long buf, long count, long offset);

    /** {@code preadv(2)}: {@code iov} is the address of an {@code iovec} array. */
    public static native long preadv(int fd, long iov, int iovcnt, long offset);

    /** {@code pwritev(2)}: {@code iov} is the address of an {@code iovec} array. */
    public static native long pwritev(int fd, long iov, int iovcnt, long offset);

    /** {@code read(2)}. */
    public static native long read(int fd, long buf, long count);

    /** {@code write(2)}. */
    public static native long write(int fd, long buf, long count);

    /** {@code fsync(2)}. */
    public static native int fsync(int fd);

    /** {@code fdatasync(2)}. */
    public static native int fdatasync(int fd);

    /**
     * {@code fcntl(2)} for the commands whose argument is an {@code int} ({@code F_GETFL}, {@code F_SETFL}). The C
     * function is variadic: bound like {@link #open}, so the argument is passed the variadic way on every ABI.
     */
    public static int fcntl(int fd, int cmd, int arg) {
        return Variadic.INSTANCE.fcntl(fd, cmd, arg);
    }

    /** {@code lseek(2)}. */
    public static native long lseek(int fd, long offset, int whence);

    /** {@code pipe(2)}: fills {@code fds} with the read and write ends. */
    public static native int pipe(int[] fds);

    /** {@code strerror(3)}. */
    public static native String strerror(int errnum);

    /** C11 {@code aligned_alloc(3)}; {@code size} must be a multiple of {@code alignment}. */
    public static native long aligned_alloc(long alignment, long size);

    /** {@code free(3)}. */
    public static native void free(long ptr);

    /** The errno the calling thread's last native call through JNA left. */
    public static int errno() {
        return Native.getLastError();
    }

    /**
     * {@code open(2)}, which is variadic: bound through an interface mapping so the mode argument is
     * passed the variadic way on every ABI.
     */
    public static int open(byte[] path, int flags, int mode) {
        return Variadic.INSTANCE.open(path, flags, mode);
    }

    interface Variadic extends Library {
        Variadic INSTANCE = Native.load("c", Variadic.class);

        int open(byte[] path, int flags, Object... mode);

        int fcntl(int fd, int cmd, Object... arg);
    }
}

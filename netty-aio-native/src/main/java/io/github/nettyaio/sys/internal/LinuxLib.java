/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.Native;

/** Direct-mapped Linux-only calls. Touch this class only on Linux. */
public final class LinuxLib {
    static {
        Native.register(LinuxLib.class, NativeLibs.libc());
    }

    /** {@code EFD_CLOEXEC}: equal to {@code O_CLOEXEC} on every Linux architecture. */
    public static int efdCloexec() {
        return Platform.abi().constants().O_CLOEXEC;
    }

    private LinuxLib() {
    }

    /** {@code eventfd(2)}. */
    public static native int eventfd(int initval, int flags);

    /**
     * {@code preadv2(2)} (Linux 4.6, glibc 2.26), bound on first use in a class of its own so that a C library
     * without it fails only its callers (with a {@link LinkageError}), not {@link #eventfd}.
     */
    public static final class Preadv2 {
        /**
         * {@code RWF_NOWAIT} (Linux 4.14, {@code include/uapi/linux/fs.h}; the same on every architecture): fail
         * with {@code EAGAIN} instead of waiting for data that is not in the page cache. File systems without
         * non-blocking buffered reads (tmpfs among them, as of Linux 6.18) fail it with {@code EOPNOTSUPP}.
         */
        public static final int RWF_NOWAIT = 0x00000008;

        static {
            Native.register(Preadv2.class, NativeLibs.libc());
        }

        private Preadv2() {
        }

        /** {@code preadv2(fd, iov, iovcnt, offset, flags)}: {@code iov} is the address of an {@code iovec} array. */
        public static native long preadv2(int fd, long iov, int iovcnt, long offset, int flags);
    }

    /**
     * {@code statx(2)} (Linux 4.11, glibc 2.28), bound on first use in a class of its own like {@link Preadv2}.
     * {@code struct statx} is the same on every Linux architecture ({@code include/uapi/linux/stat.h}: fixed-width
     * fields only), so its layout is a handful of constants here rather than a per-platform table.
     */
    public static final class Statx {
        /** {@code AT_EMPTY_PATH}: with an empty path, {@code dirfd} is the file itself. */
        public static final int AT_EMPTY_PATH = 0x1000;
        /** {@code STATX_DIOALIGN} (Linux 6.1): ask for the O_DIRECT alignment fields. */
        public static final int STATX_DIOALIGN = 0x2000;
        /** {@code sizeof(struct statx)}. */
        public static final int SIZE = 256;
        /** {@code __u32 stx_mask}: which fields the kernel filled. */
        public static final int STX_MASK = 0;
        /** {@code __u32 stx_dio_mem_align}: the alignment O_DIRECT needs of user memory (0: no O_DIRECT). */
        public static final int STX_DIO_MEM_ALIGN = 152;
        /** {@code __u32 stx_dio_offset_align}: the alignment O_DIRECT needs of file offsets and lengths. */
        public static final int STX_DIO_OFFSET_ALIGN = 156;

        static {
            Native.register(Statx.class, NativeLibs.libc());
        }

        private Statx() {
        }

        /** {@code statx(dirfd, pathname, flags, mask, buf)}: {@code buf} addresses {@link #SIZE} bytes. */
        public static native int statx(int dirfd, String pathname, int flags, int mask, long buf);
    }
}

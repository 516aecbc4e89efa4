/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.Native;

/**
 * Direct-mapped POSIX AIO: {@code aio_read}, {@code aio_write}, {@code aio_fsync}, {@code aio_error},
 * {@code aio_return}, {@code aio_cancel}, {@code aio_suspend} and {@code lio_listio}. Arguments that are
 * pointers ({@code struct aiocb *}, lists, {@code struct sigevent *}, {@code struct timespec *}) are native
 * addresses; constants come from {@link Platform#abi()}.
 *
 * <p>Every function returns what C returns; on {@code -1}, {@link LibC#errno()} has the errno. The aiocb
 * passed in must stay allocated and unmoved until {@code aio_return} has been called for it.
 */
public final class PosixAio {
    static {
        Native.register(PosixAio.class, NativeLibs.aioLibrary());
    }

    private PosixAio() {
    }

    /** {@code aio_read(3)}. */
    public static native int aio_read(long aiocb);

    /** {@code aio_write(3)}. */
    public static native int aio_write(long aiocb);

    /** {@code aio_fsync(3)}: {@code op} is {@code O_SYNC} or {@code O_DSYNC}. */
    public static native int aio_fsync(int op, long aiocb);

    /** {@code aio_error(3)}: 0, {@code EINPROGRESS}, {@code ECANCELED} or the request's errno. */
    public static native int aio_error(long aiocb);

    /** {@code aio_return(3)}: the request's result; call exactly once after completion. */
    public static native long aio_return(long aiocb);

    /** {@code aio_cancel(3)}: {@code AIO_CANCELED}, {@code AIO_NOTCANCELED}, {@code AIO_ALLDONE} or -1. */
    public static native int aio_cancel(int fd, long aiocb);

    /** {@code aio_suspend(3)} over an array of {@code nent} aiocb pointers (null entries are ignored). */
    public static native int aio_suspend(long list, int nent, long timeout);

    /** {@code lio_listio(3)}. */
    public static native int lio_listio(int mode, long list, int nent, long sig);
}

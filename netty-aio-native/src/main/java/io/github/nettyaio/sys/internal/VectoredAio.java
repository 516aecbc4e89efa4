/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.Native;

/**
 * Direct-mapped {@code aio_readv}/{@code aio_writev}: FreeBSD 13.0 and later only (check
 * {@link Abi#hasVectoredAio()} before touching this class; loading it elsewhere throws
 * {@link UnsatisfiedLinkError}). The aiocb's {@code aio_iov}/{@code aio_iovcnt} describe the buffers.
 * Never run here.
 */
public final class VectoredAio {
    static {
        Native.register(VectoredAio.class, NativeLibs.aioLibrary());
    }

    private VectoredAio() {
    }

    /** {@code aio_readv(2)}. */
    public static native int aio_readv(long aiocb);

    /** {@code aio_writev(2)}. */
    public static native int aio_writev(long aiocb);
}

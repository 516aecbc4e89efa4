/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.Native;

/**
 * Direct-mapped {@code fstat(2)}, in a class of its own: glibc exports the symbol only since 2.33 (before, it
 * was a macro over {@code __fxstat}), so it may be missing where the rest of libc binds fine.
 */
public final class Fstat {
    static {
        Native.register(Fstat.class, NativeLibs.libc());
    }

    private Fstat() {
    }

    /** {@code fstat(2)} into {@code buf}, laid out as {@link Abi#stat()}. */
    public static native int fstat(int fd, long buf);
}

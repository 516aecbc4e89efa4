/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys;

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
}

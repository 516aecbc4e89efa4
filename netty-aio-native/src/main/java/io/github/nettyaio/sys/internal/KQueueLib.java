/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.Native;

/**
 * Direct-mapped {@code kqueue(2)}/{@code kevent(2)}: FreeBSD and macOS only (check {@link Abi#hasKqueue()}
 * before touching this class). Event lists are native arrays laid out as {@link Abi#kevent()}. Never run
 * here.
 */
public final class KQueueLib {
    static {
        Native.register(KQueueLib.class, NativeLibs.libc());
    }

    private KQueueLib() {
    }

    /** {@code kqueue(2)}. */
    public static native int kqueue();

    /** {@code kevent(2)}: {@code timeout} is a {@code struct timespec *} or 0 to block. */
    public static native int kevent(int kq, long changelist, int nchanges, long eventlist, int nevents, long timeout);
}

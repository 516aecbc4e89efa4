/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.NativeLibrary;

/** Loads the C libraries the bindings register against. */
final class NativeLibs {
    private NativeLibs() {
    }

    /** The C library. */
    static NativeLibrary libc() {
        return NativeLibrary.getInstance("c");
    }

    /**
     * The library holding {@code aio_*} and {@code lio_listio}: on glibc {@code librt} (a stub forwarding
     * to libc since glibc 2.34, the real thing before), elsewhere libc.
     */
    static NativeLibrary aioLibrary() {
        if (Platform.os() == Platform.Os.LINUX) {
            try {
                return NativeLibrary.getInstance("rt");
            } catch (UnsatisfiedLinkError e) {
                // no librt.so link: glibc >= 2.34 has the symbols in libc itself
                return libc();
            }
        }
        return libc();
    }
}

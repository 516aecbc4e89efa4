/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The few libc calls the probes of this package make ({@link PageCache}, {@link DirectIo}), bound directly with
 * JNA so that this jar needs no netty-aio module. Calls run on the calling thread and throw
 * {@link LastErrorException} (its {@code getErrorCode()} is the errno) when C returns -1.
 *
 * <p>It is critical that only the named arguments of a variadic function are bound ({@code open} without its
 * mode): the variadic ones are passed differently on some ABIs.
 */
final class Posix {
    /** {@code EINVAL}: 22 on every POSIX system. */
    static final int EINVAL = 22;
    /** {@code O_RDONLY}: 0 on every POSIX system. */
    static final int O_RDONLY = 0;

    static {
        Native.register(Posix.class, Platform.C_LIBRARY_NAME);
    }

    private Posix() {
    }

    /** {@code open(2)} without a mode (no {@code O_CREAT}). */
    static native int open(byte[] path, int flags) throws LastErrorException;

    /** {@code close(2)}. */
    static native int close(int fd) throws LastErrorException;

    /** {@code fsync(2)}. */
    static native int fsync(int fd) throws LastErrorException;

    /** {@code posix_fadvise(2)}: returns the error number itself, never -1. */
    static native int posix_fadvise(int fd, long offset, long len, int advice);

    /** {@code path} as the NUL-terminated bytes the JDK itself passes to the kernel for it. */
    static byte[] pathBytes(Path path) {
        String encoding = System.getProperty("sun.jnu.encoding");
        Charset charset = encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding)
                : Charset.defaultCharset();
        byte[] bytes = path.toString().getBytes(charset);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /**
     * {@code O_DIRECT} of this OS and architecture, or -1 where there is none (macOS) or it is not known here.
     * Linux's value differs by architecture ({@code asm-generic/fcntl.h} and the arch overrides).
     */
    static int oDirect() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (Platform.isLinux()) {
            switch (arch) {
                case "amd64":
                case "x86_64":
                case "riscv64":
                case "s390x":
                case "loongarch64":
                    return 0x4000;
                case "aarch64":
                case "arm":
                    return 0x10000;
                case "ppc64":
                case "ppc64le":
                    return 0x20000;
                default:
                    return -1;
            }
        }
        return Platform.isFreeBSD() ? 0x10000 : -1;
    }
}

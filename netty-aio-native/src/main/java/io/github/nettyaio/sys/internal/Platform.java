/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import com.sun.jna.NativeLibrary;

import java.util.Locale;

/**
 * What the running platform is, and which {@link Abi} describes it.
 *
 * <p>Recognised: FreeBSD 13 and later (amd64, arm64), Linux with glibc (x86_64, aarch64), and macOS (arm64,
 * x86_64; kernel POSIX AIO without kqueue AIO, its ABI read from XNU's headers and never run). Everything else
 * is {@link Os#OTHER}.
 */
public final class Platform {
    /** Operating systems netty-aio tells apart. */
    public enum Os {
        /** Linux (any libc; only glibc has an {@link Abi}). */
        LINUX,
        /** FreeBSD. */
        FREEBSD,
        /** macOS (its {@link Abi} is from XNU's headers, never run). */
        MACOS,
        /** Anything else. */
        OTHER
    }

    private static final Os OS = detectOs(System.getProperty("os.name", ""));
    private static final String ARCH = normaliseArch(System.getProperty("os.arch", ""));
    private static final int OS_MAJOR = parseMajor(System.getProperty("os.version", ""));
    private static volatile Boolean glibc;
    private static final Object ABI_LOCK = new Object();
    private static volatile Abi abi;
    private static volatile String noAbiReason;

    private Platform() {
    }

    /** The running OS. */
    public static Os os() {
        return OS;
    }

    /** The running CPU architecture, normalised to {@code x86_64}, {@code aarch64} or the JVM's name. */
    public static String arch() {
        return ARCH;
    }

    /** The OS release's major number ({@code 14} for FreeBSD 14.1-RELEASE), or 0 when unknown. */
    public static int osMajor() {
        return OS_MAJOR;
    }

    /** Whether the C library is glibc (looks up {@code gnu_get_libc_version}). Linux only; false elsewhere. */
    public static boolean isGlibc() {
        Boolean g = glibc;
        if (g == null) {
            boolean found = false;
            if (OS == Os.LINUX) {
                try {
                    NativeLibrary.getInstance("c").getFunction("gnu_get_libc_version");
                    found = true;
                } catch (UnsatisfiedLinkError e) {
                    found = false;
                }
            }
            glibc = g = found;
        }
        return g;
    }

    /** Whether {@link #abi()} will succeed on this platform. */
    public static boolean hasAbi() {
        return resolveAbi() != null;
    }

    /**
     * Returns the ABI of the running platform.
     *
     * @throws UnsupportedOperationException naming the platform when netty-aio has no ABI table for it
     */
    public static Abi abi() {
        Abi a = resolveAbi();
        if (a == null) {
            throw new UnsupportedOperationException(noAbiReason);
        }
        return a;
    }

    /** A short description, e.g. {@code "LINUX x86_64 (glibc)"}. */
    public static String describe() {
        return OS + " " + ARCH + (OS_MAJOR > 0 ? " release " + OS_MAJOR : "") + (isGlibc() ? " (glibc)" : "");
    }

    private static Abi resolveAbi() {
        Abi a = abi;
        if (a != null || noAbiReason != null) {
            return a;
        }
        synchronized (ABI_LOCK) {
            if (abi == null && noAbiReason == null) {
                String id = abiId();
                if (id.startsWith("!")) {
                    noAbiReason = id.substring(1);
                } else {
                    abi = Abi.byId(id);
                }
            }
            return abi;
        }
    }

    /** The {@link Abi#id()} for this platform, or a reason prefixed with '!'. */
    private static String abiId() {
        String where = "netty-aio has no ABI table for " + describe();
        switch (OS) {
            case LINUX:
                if (!isGlibc()) {
                    return "!" + where + ": POSIX AIO bindings need glibc";
                }
                if (ARCH.equals("x86_64") || ARCH.equals("aarch64")) {
                    return "linux-glibc-" + ARCH;
                }
                return "!" + where;
            case FREEBSD:
                String bsdArch = ARCH.equals("x86_64") ? "amd64" : ARCH.equals("aarch64") ? "arm64" : null;
                if (bsdArch == null || OS_MAJOR < 13) {
                    return "!" + where + ": FreeBSD 13 or later on amd64/arm64 is supported";
                }
                // FreeBSD keeps its syscall ABI stable; releases after 15 use the newest table we have.
                return "freebsd" + Math.min(OS_MAJOR, 15) + "-" + bsdArch;
            case MACOS:
                if (ARCH.equals("aarch64") || ARCH.equals("x86_64")) {
                    return "macos-" + (ARCH.equals("aarch64") ? "arm64" : "x86_64");
                }
                return "!" + where;
            default:
                return "!" + where;
        }
    }

    static Os detectOs(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("linux")) {
            return Os.LINUX;
        }
        if (n.startsWith("freebsd")) {
            return Os.FREEBSD;
        }
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return Os.MACOS;
        }
        return Os.OTHER;
    }

    static String normaliseArch(String arch) {
        String a = arch.toLowerCase(Locale.ROOT);
        if (a.equals("amd64") || a.equals("x86_64") || a.equals("x86-64")) {
            return "x86_64";
        }
        if (a.equals("aarch64") || a.equals("arm64")) {
            return "aarch64";
        }
        return a;
    }

    static int parseMajor(String version) {
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(version.substring(0, Math.min(end, 6)));
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import io.github.nettyaio.sys.ErrnoException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.Map;

/**
 * The classic errno values and the one errno → exception mapping of netty-aio. Not API. Static; any thread.
 *
 * <p>Each errno value is defined once: the classic ones 1–34, the same on every platform netty-aio supports
 * (they date back to Version 7 Unix), here; those that differ between platforms in {@link AbiConstants}. Names
 * come from both, descriptions from {@code strerror(3)}. Mapping: {@code ENOENT} → {@link NoSuchFileException},
 * {@code EEXIST} → {@link FileAlreadyExistsException}, {@code EACCES}/{@code EPERM} →
 * {@link AccessDeniedException}, {@code EISDIR}/{@code ENOTDIR} → {@link FileSystemException}; everything else
 * → {@link ErrnoException}.
 *
 * <p>It is critical to compare a platform-varying errno ({@code EAGAIN}, {@code EINPROGRESS}, {@code ECANCELED}
 * of AIO, ...) only with {@code Platform.abi().constants()}: Linux and FreeBSD disagree on their values.
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** No such device or address (a FIFO opened for writing while no one reads it, say). */
    public static final int ENXIO = 6;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Inappropriate ioctl for device (FreeBSD: a driver refusing {@code fcntl(F_SETFL)}, say). */
    public static final int ENOTTY = 25;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Illegal seek. */
    public static final int ESPIPE = 29;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /**
     * {@code ECANCELED} as the Linux kernel reports it (asm-generic/errno.h), in an io_uring completion or from
     * glibc's AIO; the glibc ABI's {@link AbiConstants#ECANCELED} is this value. Other errno values that differ
     * between platforms come only from {@link AbiConstants}; the classic ones above only from here.
     */
    public static final int LINUX_ECANCELED = 125;

    private static final Map<Integer, String> CLASSIC = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EINTR, "EINTR"),
            Map.entry(EIO, "EIO"), Map.entry(ENXIO, "ENXIO"), Map.entry(EBADF, "EBADF"),
            Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"), Map.entry(EFAULT, "EFAULT"), Map.entry(EEXIST, "EEXIST"),
            Map.entry(ENOTDIR, "ENOTDIR"), Map.entry(EISDIR, "EISDIR"), Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENFILE, "ENFILE"), Map.entry(EMFILE, "EMFILE"), Map.entry(ENOTTY, "ENOTTY"),
            Map.entry(EFBIG, "EFBIG"),
            Map.entry(ENOSPC, "ENOSPC"), Map.entry(ESPIPE, "ESPIPE"), Map.entry(EROFS, "EROFS"));

    private static volatile Map<Integer, String> names;

    private Errno() {
    }

    /** Returns the classic errno values (1–34) netty-aio names, by value; the same on every platform. */
    public static Map<Integer, String> classicNames() {
        return CLASSIC;
    }

    /**
     * Returns the symbolic name of {@code errno} on the running platform, e.g. {@code "EBADF"}, or
     * {@code "errno N"} when netty-aio does not know it.
     */
    public static String name(int errno) {
        String found = names().get(errno);
        return found != null ? found : "errno " + errno;
    }

    /** Returns {@code strerror(errno)}, or {@code "Unknown error N"} when libc can't be reached. */
    public static String describe(int errno) {
        try {
            String text = LibC.strerror(errno);
            return text != null ? text : "Unknown error " + errno;
        } catch (LinkageError noLibc) {
            return "Unknown error " + errno;
        }
    }

    /** Returns {@code "EBADF (Bad file descriptor)"}. */
    public static String format(int errno) {
        return name(errno) + " (" + describe(errno) + ")";
    }

    /**
     * Creates the exception for a failed {@code operation} on {@code target}.
     *
     * @param operation the call, e.g. {@code "pread"}
     * @param target    the path or fd description, e.g. {@code "data.bin"} or {@code "fd 7"}; may be null
     * @param errno     the errno value
     * @return a {@link NoSuchFileException}, {@link FileAlreadyExistsException}, {@link AccessDeniedException},
     *         {@link FileSystemException} (for {@code EISDIR}/{@code ENOTDIR}) or {@link ErrnoException}
     */
    public static IOException newException(String operation, String target, int errno) {
        String reason = format(errno);
        String file = target == null ? null : target;
        switch (errno) {
            case ENOENT:
                return new NoSuchFileException(file, null, operation + ": " + reason);
            case EEXIST:
                return new FileAlreadyExistsException(file, null, operation + ": " + reason);
            case EACCES:
            case EPERM:
                return new AccessDeniedException(file, null, operation + ": " + reason);
            case EISDIR:
            case ENOTDIR:
                return new FileSystemException(file, null, operation + ": " + reason);
            default:
                String message = operation + (target == null ? "" : "(" + target + ")") + ": " + reason;
                return new ErrnoException(operation, target, errno, name(errno), message);
        }
    }

    /** {@link #newException} with the calling thread's last errno. */
    public static IOException lastException(String operation, String target) {
        return newException(operation, target, LibC.errno());
    }

    private static Map<Integer, String> names() {
        Map<Integer, String> found = names;
        if (found == null) {
            Map<Integer, String> table = new HashMap<>(CLASSIC);
            if (Platform.hasAbi()) {
                // AbiConstants declares errno names in a fixed order; keep the first for shared values
                // (EAGAIN before EWOULDBLOCK, EOPNOTSUPP before ENOTSUP).
                for (Map.Entry<String, Integer> entry : Platform.abi().constants().asMap().entrySet()) {
                    String key = entry.getKey();
                    if (key.startsWith("E") && !key.startsWith("EV") && AbiConstants.defined(entry.getValue())) {
                        table.putIfAbsent(entry.getValue(), key);
                    }
                }
            }
            names = found = Map.copyOf(table);
        }
        return found;
    }
}

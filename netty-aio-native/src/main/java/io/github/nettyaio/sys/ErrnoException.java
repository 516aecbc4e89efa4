/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys;

import io.github.nettyaio.sys.internal.Errno;

import java.io.IOException;

/**
 * An {@link IOException} for a failed system call, naming the call, what it worked on (a path or an fd),
 * the errno's symbolic name and its description: {@code pread(data.bin): EBADF (Bad file descriptor)}.
 *
 * <p>Errors that {@link java.nio.file.Files} reports with its own types ({@code ENOENT}, {@code EEXIST},
 * {@code EACCES}/{@code EPERM}) are mapped to those by {@link Errno#newException} instead.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String errnoName;
    private final String operation;
    private final String target;

    /**
     * Creates the exception.
     *
     * @param operation the system call or operation, e.g. {@code pread}
     * @param target    the path or fd it worked on, or null
     * @param errno     the errno value
     * @param errnoName the errno's symbolic name, e.g. {@code EBADF}
     * @param message   the full message
     */
    public ErrnoException(String operation, String target, int errno, String errnoName, String message) {
        super(message);
        this.operation = operation;
        this.target = target;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** The errno value (platform-specific). */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, e.g. {@code EBADF}, or {@code errno N} when unknown. */
    public String errnoName() {
        return errnoName;
    }

    /** The failed operation, e.g. {@code pread}. */
    public String operation() {
        return operation;
    }

    /** The path or fd the operation worked on, or null. */
    public String target() {
        return target;
    }
}

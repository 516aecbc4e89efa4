/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import java.util.List;
import java.util.Map;

/**
 * Linux glibc's ABI on LP64 (x86_64 and aarch64 differ only in {@code O_DIRECT}), from glibc's {@code aio.h},
 * {@code bits/sigevent-consts.h}, {@code asm-generic/errno.h} and {@code fcntl.h}; the x86_64 variant also runs
 * in the native tests. Immutable data, built once; any thread.
 *
 * <p>It is critical to change a value here only together with the ABI tables ({@code constants.tsv},
 * {@code layouts.tsv}): the ABI tests compare the two.
 */
final class GlibcAbi {
    private GlibcAbi() {
    }

    static Abi create(String arch) {
        int oDirect;
        StructLayout stat;
        switch (arch) {
            case "x86_64":
                oDirect = 0x4000;
                stat = new StructLayout("stat", 144, 8, List.of(new StructField("st_size", 48, 8)));
                break;
            case "aarch64":
                oDirect = 0x10000;
                // asm-generic layout
                stat = new StructLayout("stat", 128, 8, List.of(new StructField("st_size", 48, 8)));
                break;
            default:
                throw new IllegalArgumentException("unsupported glibc arch " + arch);
        }
        StructLayout aiocb = new StructLayout("aiocb", 168, 8, List.of(
                new StructField("aio_fildes", 0, 4),
                new StructField("aio_lio_opcode", 4, 4),
                new StructField("aio_reqprio", 8, 4),
                new StructField("aio_buf", 16, 8),
                new StructField("aio_nbytes", 24, 8),
                new StructField("aio_sigevent", 32, 64),
                // glibc's aio_error(3) and aio_return(3) are exactly reads of these two fields (written by
                // glibc's AIO thread under its request mutex before the request counts as finished).
                new StructField("__error_code", 112, 4),
                new StructField("__return_value", 120, 8),
                new StructField("aio_offset", 128, 8)));
        StructLayout sigevent = new StructLayout("sigevent", 64, 8, List.of(
                new StructField("sigev_value", 0, 8),
                new StructField("sigev_signo", 8, 4),
                new StructField("sigev_notify", 12, 4)));
        Map<String, Integer> values = AbiConstants.common();
        values.put("SIGEV_SIGNAL", 0);
        values.put("SIGEV_NONE", 1);
        values.put("SIGEV_THREAD", 2);
        values.put("LIO_READ", 0);
        values.put("LIO_WRITE", 1);
        values.put("LIO_NOP", 2);
        values.put("LIO_WAIT", 0);
        values.put("LIO_NOWAIT", 1);
        values.put("AIO_CANCELED", 0);
        values.put("AIO_NOTCANCELED", 1);
        values.put("AIO_ALLDONE", 2);
        values.put("EAGAIN", 11);
        values.put("EINPROGRESS", 115);
        values.put("EOPNOTSUPP", 95);
        values.put("ENOSYS", 38);
        values.put("EOVERFLOW", 75);
        values.put("ECANCELED", Errno.LINUX_ECANCELED);
        values.put("O_CREAT", 0x40);
        values.put("O_EXCL", 0x80);
        values.put("O_TRUNC", 0x200);
        values.put("O_APPEND", 0x400);
        values.put("O_NONBLOCK", 0x800);
        values.put("O_DSYNC", 0x1000);
        values.put("O_DIRECT", oDirect);
        values.put("O_CLOEXEC", 0x80000);
        values.put("O_SYNC", 0x101000);
        return new Abi("linux-glibc-" + arch, Abi.Family.LINUX_GLIBC, 0, aiocb, sigevent, null,
                Lp64.IOVEC, Lp64.TIMESPEC, stat, new AbiConstants(values));
    }
}

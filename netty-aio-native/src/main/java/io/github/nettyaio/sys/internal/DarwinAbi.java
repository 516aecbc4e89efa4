/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import io.github.nettyaio.sys.AioOpenOption;

import java.util.List;
import java.util.Map;

/**
 * macOS's ABI on LP64 (arm64 and x86_64 are identical for everything netty-aio uses), read from XNU's headers
 * ({@code bsd/sys/aio.h}, {@code bsd/sys/signal.h}, {@code bsd/sys/errno.h}, {@code bsd/sys/fcntl.h}) and checked
 * with {@code clang --target={arm64,x86_64}-apple-macos11} against a reconstruction of those structures
 * ({@code netty-aio-native/src/test/abi/macos-abi.c}). Immutable data, built once; any thread. It can't run where
 * netty-aio is built and tested: the ABI tests compare it with {@code src/test/resources/abi-macos/}, which are
 * not part of {@code abi/}.
 *
 * <p>What macOS lacks, and so this ABI leaves out: {@code O_DIRECT} (open with {@link AioOpenOption#DIRECT}
 * fails), kqueue AIO notification (completions go through the AIO reaper), {@code aio_readv}/{@code aio_writev}
 * (vectored requests are staged through one buffer, as on glibc) and a {@code struct stat} netty-aio binds
 * ({@code fstat} is a different symbol per architecture there; sizes come from {@code lseek}).
 */
final class DarwinAbi {
    private DarwinAbi() {
    }

    static Abi create(String arch) {
        if (!arch.equals("arm64") && !arch.equals("x86_64")) {
            throw new IllegalArgumentException("unsupported macOS arch " + arch);
        }
        StructLayout aiocb = new StructLayout("aiocb", 80, 8, List.of(
                new StructField("aio_fildes", 0, 4),
                new StructField("aio_offset", 8, 8),
                new StructField("aio_buf", 16, 8),
                new StructField("aio_nbytes", 24, 8),
                new StructField("aio_reqprio", 32, 4),
                new StructField("aio_sigevent", 40, 32),
                new StructField("aio_lio_opcode", 72, 4)));
        StructLayout sigevent = new StructLayout("sigevent", 32, 8, List.of(
                new StructField("sigev_notify", 0, 4),
                new StructField("sigev_signo", 4, 4),
                new StructField("sigev_value", 8, 8)));
        Map<String, Integer> values = AbiConstants.common();
        values.put("SIGEV_NONE", 0);
        values.put("SIGEV_SIGNAL", 1);
        values.put("SIGEV_THREAD", 3);
        values.put("LIO_NOP", 0);
        values.put("LIO_READ", 1);
        values.put("LIO_WRITE", 2);
        values.put("LIO_NOWAIT", 1);
        values.put("LIO_WAIT", 2);
        values.put("AIO_ALLDONE", 1);
        values.put("AIO_CANCELED", 2);
        values.put("AIO_NOTCANCELED", 4);
        values.put("EAGAIN", 35);
        values.put("EINPROGRESS", 36);
        values.put("EOPNOTSUPP", 102);
        values.put("ENOSYS", 78);
        values.put("EOVERFLOW", 84);
        values.put("ECANCELED", 89);
        values.put("O_NONBLOCK", 0x4);
        values.put("O_APPEND", 0x8);
        values.put("O_SYNC", 0x80);
        values.put("O_CREAT", 0x200);
        values.put("O_TRUNC", 0x400);
        values.put("O_EXCL", 0x800);
        values.put("O_DSYNC", 0x400000);
        values.put("O_CLOEXEC", 0x1000000);
        return new Abi("macos-" + arch, Abi.Family.DARWIN, 0, aiocb, sigevent, null, Lp64.IOVEC, Lp64.TIMESPEC,
                null, new AbiConstants(values));
    }
}

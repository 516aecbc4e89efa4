/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import java.util.List;
import java.util.Map;

/**
 * FreeBSD's ABI on LP64 (amd64 and arm64 are identical for everything netty-aio uses), read from FreeBSD's
 * headers ({@code sys/aio.h}, {@code sys/signal.h}, {@code sys/event.h}, {@code sys/fcntl.h},
 * {@code sys/errno.h}). Immutable data, built once; any thread.
 *
 * <p>It is critical to change a value here only together with the ABI tables: FreeBSD code can't run where
 * netty-aio is built and tested, so the tables are the only check these values get.
 */
final class FreeBsdAbi {
    private FreeBsdAbi() {
    }

    static Abi create(int major, String arch) {
        if (!arch.equals("amd64") && !arch.equals("arm64")) {
            throw new IllegalArgumentException("unsupported FreeBSD arch " + arch);
        }
        StructLayout aiocb = new StructLayout("aiocb", 160, 8, List.of(
                new StructField("aio_fildes", 0, 4),
                new StructField("aio_offset", 8, 8),
                new StructField("aio_buf", 16, 8),
                new StructField("aio_iov", 16, 8),
                new StructField("aio_nbytes", 24, 8),
                new StructField("aio_iovcnt", 24, 8),
                new StructField("aio_lio_opcode", 48, 4),
                new StructField("aio_reqprio", 52, 4),
                new StructField("aio_sigevent", 80, 80)));
        StructLayout sigevent = new StructLayout("sigevent", 80, 8, List.of(
                new StructField("sigev_notify", 0, 4),
                new StructField("sigev_signo", 4, 4),
                new StructField("sigev_notify_kqueue", 4, 4),
                new StructField("sigev_value", 8, 8),
                new StructField("sigev_notify_kevent_flags", 16, 2)));
        StructLayout kevent = new StructLayout("kevent", 64, 8, List.of(
                new StructField("ident", 0, 8),
                new StructField("filter", 8, 2),
                new StructField("flags", 10, 2),
                new StructField("fflags", 12, 4),
                new StructField("data", 16, 8),
                new StructField("udata", 24, 8)));
        Map<String, Integer> values = AbiConstants.common();
        values.put("SIGEV_NONE", 0);
        values.put("SIGEV_SIGNAL", 1);
        values.put("SIGEV_THREAD", 2);
        values.put("SIGEV_KEVENT", 3);
        values.put("EVFILT_READ", -1);
        values.put("EVFILT_AIO", -3);
        values.put("EVFILT_TIMER", -7);
        values.put("EVFILT_LIO", -10);
        values.put("EVFILT_USER", -11);
        values.put("EV_ADD", 0x1);
        values.put("EV_DELETE", 0x2);
        values.put("EV_ENABLE", 0x4);
        values.put("EV_DISABLE", 0x8);
        values.put("EV_ONESHOT", 0x10);
        values.put("EV_CLEAR", 0x20);
        values.put("EV_DISPATCH", 0x80);
        values.put("EV_ERROR", 0x4000);
        values.put("EV_EOF", 0x8000);
        values.put("NOTE_TRIGGER", 0x01000000);
        values.put("LIO_NOP", 0);
        values.put("LIO_WRITE", 1);
        values.put("LIO_READ", 2);
        values.put("LIO_WRITEV", 5);
        values.put("LIO_READV", 6);
        values.put("LIO_NOWAIT", 0);
        values.put("LIO_WAIT", 1);
        values.put("AIO_CANCELED", 1);
        values.put("AIO_NOTCANCELED", 2);
        values.put("AIO_ALLDONE", 3);
        values.put("EAGAIN", 35);
        values.put("EINPROGRESS", 36);
        values.put("EOPNOTSUPP", 45);
        values.put("ENOSYS", 78);
        values.put("EOVERFLOW", 84);
        values.put("ECANCELED", 85);
        values.put("O_NONBLOCK", 0x4);
        values.put("O_APPEND", 0x8);
        values.put("O_SYNC", 0x80);
        values.put("O_CREAT", 0x200);
        values.put("O_TRUNC", 0x400);
        values.put("O_EXCL", 0x800);
        values.put("O_DIRECT", 0x10000);
        values.put("O_CLOEXEC", 0x100000);
        values.put("O_DSYNC", 0x1000000);
        return new Abi("freebsd" + major + "-" + arch, Abi.Family.FREEBSD, major, aiocb, sigevent, kevent,
                Lp64.IOVEC, Lp64.TIMESPEC,
                // ino64 layout (FreeBSD 12+): st_size follows the four timespecs.
                new StructLayout("stat", 224, 8, List.of(new StructField("st_size", 112, 8))),
                new AbiConstants(values));
    }
}

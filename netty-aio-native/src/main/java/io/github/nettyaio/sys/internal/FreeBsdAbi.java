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
 * {@code sys/errno.h}). Never run here: checked only against the ABI tables by the ABI tests.
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
        Map<String, Integer> c = AbiConstants.common();
        c.put("SIGEV_NONE", 0);
        c.put("SIGEV_SIGNAL", 1);
        c.put("SIGEV_THREAD", 2);
        c.put("SIGEV_KEVENT", 3);
        c.put("EVFILT_READ", -1);
        c.put("EVFILT_AIO", -3);
        c.put("EVFILT_TIMER", -7);
        c.put("EVFILT_LIO", -10);
        c.put("EVFILT_USER", -11);
        c.put("EV_ADD", 0x1);
        c.put("EV_DELETE", 0x2);
        c.put("EV_ENABLE", 0x4);
        c.put("EV_DISABLE", 0x8);
        c.put("EV_ONESHOT", 0x10);
        c.put("EV_CLEAR", 0x20);
        c.put("EV_DISPATCH", 0x80);
        c.put("EV_ERROR", 0x4000);
        c.put("EV_EOF", 0x8000);
        c.put("NOTE_TRIGGER", 0x01000000);
        c.put("LIO_NOP", 0);
        c.put("LIO_WRITE", 1);
        c.put("LIO_READ", 2);
        c.put("LIO_WRITEV", 5);
        c.put("LIO_READV", 6);
        c.put("LIO_NOWAIT", 0);
        c.put("LIO_WAIT", 1);
        c.put("AIO_CANCELED", 1);
        c.put("AIO_NOTCANCELED", 2);
        c.put("AIO_ALLDONE", 3);
        c.put("EAGAIN", 35);
        c.put("EINPROGRESS", 36);
        c.put("EOPNOTSUPP", 45);
        c.put("ENOSYS", 78);
        c.put("EOVERFLOW", 84);
        c.put("ECANCELED", 85);
        c.put("O_NONBLOCK", 0x4);
        c.put("O_APPEND", 0x8);
        c.put("O_SYNC", 0x80);
        c.put("O_CREAT", 0x200);
        c.put("O_TRUNC", 0x400);
        c.put("O_EXCL", 0x800);
        c.put("O_DIRECT", 0x10000);
        c.put("O_CLOEXEC", 0x100000);
        c.put("O_DSYNC", 0x1000000);
        return new Abi("freebsd" + major + "-" + arch, Abi.Family.FREEBSD, major, aiocb, sigevent, kevent,
                Lp64.IOVEC, Lp64.TIMESPEC,
                // ino64 layout (FreeBSD 12+): st_size follows the four timespecs.
                new StructLayout("stat", 224, 8, List.of(new StructField("st_size", 112, 8))),
                new AbiConstants(c));
    }
}

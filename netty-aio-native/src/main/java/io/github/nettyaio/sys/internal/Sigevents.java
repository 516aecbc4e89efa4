/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

/**
 * Fills a {@code struct sigevent} in native memory (inside an aiocb, or standalone for
 * {@code lio_listio}) field by field, as the platform's {@link Abi#sigevent()} lays it out.
 */
public final class Sigevents {
    private Sigevents() {
    }

    /** Allocates a zeroed standalone {@code struct sigevent}; free it with {@link NativeMemory#free}. */
    public static long allocate(Abi abi) {
        return NativeMemory.allocateZeroed(abi.sigevent().size());
    }

    /** {@code sigev_notify = SIGEV_NONE}: completion is observed with {@code aio_error}/{@code aio_suspend}. */
    public static void writeNone(Abi abi, long sigevent) {
        NativeMemory.putField(sigevent, abi.sigevent().field("sigev_notify"), abi.constants().SIGEV_NONE);
    }

    /**
     * {@code SIGEV_KEVENT} (FreeBSD): the kernel posts an {@code EVFILT_AIO}/{@code EVFILT_LIO} event to
     * kqueue {@code kq} whose {@code udata} is {@code udata}.
     *
     * @param flags {@code sigev_notify_kevent_flags}, a subset of {@code EV_ONESHOT|EV_CLEAR|EV_DISPATCH}
     * @throws UnsupportedOperationException where the platform has no kqueue AIO
     */
    public static void writeKevent(Abi abi, long sigevent, int kq, long udata, int flags) {
        if (!abi.hasKqueueAio()) {
            throw new UnsupportedOperationException(abi.id() + " has no SIGEV_KEVENT");
        }
        StructLayout s = abi.sigevent();
        NativeMemory.putField(sigevent, s.field("sigev_notify"), abi.constants().SIGEV_KEVENT);
        NativeMemory.putField(sigevent, s.field("sigev_notify_kqueue"), kq);
        NativeMemory.putField(sigevent, s.field("sigev_value"), udata);
        NativeMemory.putField(sigevent, s.field("sigev_notify_kevent_flags"), flags);
    }
}

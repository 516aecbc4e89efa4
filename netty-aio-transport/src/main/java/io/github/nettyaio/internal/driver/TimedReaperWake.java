/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.StructLayout;

import java.util.concurrent.locks.LockSupport;

/**
 * The reaper's wake-up where no descriptor can serve (FreeBSD refuses AIO on pipes and eventfds unless
 * {@code vfs.aio.enable_unsafe} is set, macOS takes AIO only on files), and on Linux with
 * {@code -Dio.github.nettyaio.reaperWake=timed}: a reaper with nothing to watch parks and {@link #wake} unparks
 * it; one with requests waits in {@code aio_suspend} for at most {@link #TIMED_WAIT_NANOS}, so a new request
 * joins its list when a watched one finishes or within that time. {@link #wake} runs on any thread, never fails.
 *
 * <p>It is critical that the timeout stays short: it bounds the latency of a request submitted while the reaper
 * waits on slow ones.
 */
final class TimedReaperWake implements ReaperWake {
    /** The longest the reaper waits in {@code aio_suspend} before it looks for new requests. */
    static final long TIMED_WAIT_NANOS = 1_000_000;

    private final long timespec;

    TimedReaperWake(Abi abi) {
        StructLayout layout = abi.timespec();
        timespec = NativeMemory.allocateZeroed(layout.size());
        NativeMemory.putLong(timespec + layout.offset("tv_sec"), 0);
        NativeMemory.putLong(timespec + layout.offset("tv_nsec"), TIMED_WAIT_NANOS);
    }

    @Override
    public void start() {
    }

    @Override
    public int listEntries() {
        return 0;
    }

    @Override
    public void writeListHead(long list) {
    }

    @Override
    public long timeout() {
        return timespec;
    }

    @Override
    public void wake(Thread reaper) {
        LockSupport.unpark(reaper);   // parked: it returns; in aio_suspend: it returns within the timeout
    }

    @Override
    public void rearm() {
    }

    @Override
    public String debugState() {
        return "timed wake";
    }
}

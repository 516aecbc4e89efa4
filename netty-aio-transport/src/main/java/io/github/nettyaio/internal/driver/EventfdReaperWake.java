/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.LinuxLib;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reaper's wake-up on Linux: its {@code aio_suspend} list also holds an {@code aio_read} of 8 bytes from an
 * eventfd of its own. A submitter that finds the reaper asleep writes to the eventfd once, which completes the
 * read and ends the sleep; while the reaper is awake, submitters make no system call. {@link #wake} runs on any
 * thread; a failed write is logged (the next wake tries again).
 *
 * <p>It is critical that the read is resubmitted ({@link #rearm()}) every time it completed, before the reaper
 * sleeps again: without it the next wake-up write would go unseen.
 */
final class EventfdReaperWake implements ReaperWake {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(EventfdReaperWake.class);

    private final Abi abi;
    /** Read by the wake-up request, written by {@link #wake}: one eventfd. */
    private final int eventFd;
    private final long readBuffer;
    private final long one;
    private final AioControlBlock readCb;
    private final AtomicBoolean wakePending = new AtomicBoolean();

    private EventfdReaperWake(Abi abi, int eventFd) {
        this.abi = abi;
        this.eventFd = eventFd;
        this.readBuffer = NativeMemory.allocateZeroed(8);
        this.one = NativeMemory.allocateZeroed(8);
        NativeMemory.putLong(one, 1);
        this.readCb = AioControlBlock.allocate(abi);
    }

    /**
     * Creates the eventfd.
     *
     * @throws IOException the errno of {@code eventfd}
     */
    static EventfdReaperWake open(Abi abi) throws IOException {
        int fd = LinuxLib.eventfd(0, LinuxLib.efdCloexec());
        if (fd < 0) {
            throw Errno.lastException("eventfd", "AIO reaper");
        }
        return new EventfdReaperWake(abi, fd);
    }

    @Override
    public void start() throws IOException {
        submitRead();
    }

    @Override
    public int listEntries() {
        return 1;
    }

    @Override
    public void writeListHead(long list) {
        NativeMemory.putLong(list, readCb.address());
    }

    @Override
    public long timeout() {
        return 0;
    }

    @Override
    public void wake(Thread reaper) {
        if (wakePending.compareAndSet(false, true)) {
            long written = LibC.write(eventFd, one, 8);
            if (written != 8) {
                logger.warn("Failed to wake the AIO reaper: {}", Errno.format(LibC.errno()));
                wakePending.set(false);
            }
        }
    }

    @Override
    public void rearm() throws IOException {
        if (readCb.aioError() != abi.constants().EINPROGRESS) {
            readCb.aioReturn();
            wakePending.set(false);
            submitRead();
        }
    }

    private void submitRead() throws IOException {
        readCb.prepare(eventFd, 0, readBuffer, 8, abi.constants().LIO_NOP);
        readCb.notifyNone();
        readCb.submit(AioControlBlock.Op.READ, "AIO reaper wake-up", this);
    }

    @Override
    public String debugState() {
        return "eventfd wake, pending=" + wakePending.get() + " read error=" + readCb.aioErrorShared();
    }
}

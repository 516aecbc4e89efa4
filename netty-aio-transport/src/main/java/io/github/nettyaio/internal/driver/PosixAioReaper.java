/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.internal.AioProperties;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.LinuxLib;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.PosixAio;
import io.github.nettyaio.sys.internal.StructLayout;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that waits, in {@code aio_suspend}, for every {@code SIGEV_NONE} request submitted
 * through a {@link PosixAioDriver}, and hands finished ones back to their drivers in batches.
 *
 * <p>How a sleeping reaper learns of new requests ({@link #wakeByRead}):
 * <ul>
 * <li>On Linux the wait also covers a wake-up request of its own: an {@code aio_read} of 8 bytes from an
 * eventfd. A submitter that finds the reaper asleep writes to it once, so new requests join the wait list;
 * while the reaper is awake, submitters don't make any system call.</li>
 * <li>Elsewhere no descriptor can serve: FreeBSD refuses AIO on pipes and eventfds ({@code EOPNOTSUPP} unless
 * {@code vfs.aio.enable_unsafe} is set), and macOS takes AIO only on files. With nothing watched the reaper parks
 * and a submitter unparks it; with requests watched it waits in {@code aio_suspend} for at most
 * {@link #TIMED_WAIT_NANOS}, so a new request joins the wait list when any watched one finishes or within that
 * time. {@code -Dio.github.nettyaio.reaperWake=timed} selects this on Linux too (tests).</li>
 * </ul>
 *
 * <p>Memory: the reaper {@link AioControlBlock#hold() holds} every control block it watches, so an owner
 * that reaps and frees a request early never makes the reaper read freed memory.
 */
final class PosixAioReaper implements Runnable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PosixAioReaper.class);
    private static volatile PosixAioReaper instance;
    /** The longest a timed-wake reaper waits in {@code aio_suspend} before it looks for new requests. */
    static final long TIMED_WAIT_NANOS = 1_000_000;

    /** The requests of one submission; its Aio is ready once all have finished. */
    static final class Watch {
        final PosixAioDriver driver;
        final long token;
        final AioControlBlock[] cbs;
        /** {@link #key} of a single-request watch; -1 for lio batches (they always wake the reaper). */
        final long key;
        /** Set once by whoever reports the completion first: the reaper, or the loop polling its own. */
        private final AtomicBoolean claimed = new AtomicBoolean();

        Watch(PosixAioDriver driver, long token, AioControlBlock[] cbs) {
            this.driver = driver;
            this.token = token;
            this.cbs = cbs;
            this.key = cbs.length == 1 ? key(driver, cbs[0]) : -1;
        }

        /** Claims the right to report this watch's completion; true exactly once. */
        boolean claim() {
            return !claimed.get() && claimed.compareAndSet(false, true);
        }

        boolean isClaimed() {
            return claimed.get();
        }

        /** Whether every request has finished (the caller holds the control blocks). */
        boolean finished() {
            for (AioControlBlock cb : cbs) {
                if (cb.aioErrorShared() == cb.abi().constants().EINPROGRESS) {
                    return false;
                }
            }
            return true;
        }
    }

    /** (submitting driver, fd): requests with equal keys were submitted in program order by one loop thread. */
    static long key(PosixAioDriver driver, AioControlBlock cb) {
        return ((long) driver.id << 32) | (cb.fd() & 0xffffffffL);
    }

    private final Abi abi = Platform.abi();
    private final int einprogress = abi.constants().EINPROGRESS;
    private final Queue<Watch> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile boolean sleeping;
    /**
     * The keys of the requests in progress in the list the reaper is (about to be) asleep on, sorted; written
     * before {@link #sleeping} is set. Only used where requests on one descriptor complete in submission order
     * (glibc: one request per descriptor at a time, FIFO at equal priority).
     */
    private volatile long[] sleepKeys = new long[0];
    private final boolean perFdFifo = abi.family() == Abi.Family.LINUX_GLIBC;

    /**
     * True: a sleeping reaper is woken by a write to {@link #wakeWriteFd}, completing {@link #wakeCb}; false (a
     * timed wake): by {@code LockSupport.unpark} when parked, else by its {@code aio_suspend} timeout, and the
     * descriptors, buffers and control block below are unused (-1 / 0 / null).
     */
    private final boolean wakeByRead;
    private final int wakeReadFd;
    private final int wakeWriteFd;
    private final long wakeBuf;
    private final long wakeValue;
    private final AioControlBlock wakeCb;
    /** The {@code struct timespec} of a timed wake's {@code aio_suspend}; 0 with {@link #wakeByRead}. */
    private final long timeout;
    private final Thread thread;

    // Reaper-thread state.
    private final List<Watch> watching = new ArrayList<>();
    private long list;
    private int listCapacity;

    private PosixAioReaper() throws IOException {
        wakeByRead = wakesByRead();
        if (wakeByRead) {
            int fd = LinuxLib.eventfd(0, LinuxLib.efdCloexec());
            if (fd < 0) {
                throw Errno.lastException("eventfd", "AIO reaper");
            }
            wakeReadFd = fd;
            wakeWriteFd = fd;
            wakeBuf = NativeMemory.allocateZeroed(8);
            wakeValue = NativeMemory.allocateZeroed(8);
            NativeMemory.putLong(wakeValue, 1);
            wakeCb = AioControlBlock.allocate(abi);
            timeout = 0;
        } else {
            wakeReadFd = -1;
            wakeWriteFd = -1;
            wakeBuf = 0;
            wakeValue = 0;
            wakeCb = null;
            StructLayout ts = abi.timespec();
            timeout = NativeMemory.allocateZeroed(ts.size());
            NativeMemory.putLong(timeout + ts.offset("tv_sec"), 0);
            NativeMemory.putLong(timeout + ts.offset("tv_nsec"), TIMED_WAIT_NANOS);
        }
        listCapacity = 64;
        list = NativeMemory.allocateZeroed(8L * listCapacity);
        thread = new Thread(this, "netty-aio-reaper");
        thread.setDaemon(true);
    }

    /** The process-wide reaper, started on first use. */
    static PosixAioReaper instance() throws IOException {
        PosixAioReaper r = instance;
        if (r == null) {
            synchronized (PosixAioReaper.class) {
                r = instance;
                if (r == null) {
                    r = new PosixAioReaper();
                    if (r.wakeByRead) {
                        r.submitWakeRead();
                    }
                    r.thread.start();
                    instance = r;
                }
            }
        }
        return r;
    }

    /** Linux wakes by an eventfd read unless {@code -Dio.github.nettyaio.reaperWake=timed}; elsewhere timed. */
    private static boolean wakesByRead() {
        return !AioProperties.reaperWakeTimed() && Platform.os() == Platform.Os.LINUX;
    }

    /** Whether this reaper wakes by an eventfd read (false: a timed wake). For tests. */
    boolean wakesByReadForTest() {
        return wakeByRead;
    }

    /** Starts watching {@code w} (any thread). */
    void watch(Watch w) {
        for (AioControlBlock cb : w.cbs) {
            cb.hold();
        }
        incoming.add(w);
        if (sleeping && !completesAfterAWatchedRequest(w)) {
            wakeUp();
        }
    }

    /** Makes the reaper look at every watched request again (any thread). */
    void wakeUp() {
        if (!wakeByRead) {
            LockSupport.unpark(thread);   // parked: it returns; in aio_suspend: it returns within the timeout
            return;
        }
        if (wakePending.compareAndSet(false, true)) {
            long n = LibC.write(wakeWriteFd, wakeValue, 8);
            if (n != 8) {
                logger.warn("Failed to wake the AIO reaper: {}", Errno.format(LibC.errno()));
                wakePending.set(false);
            }
        }
    }

    /**
     * Whether {@code w} can only finish after a request the sleeping reaper waits for: one submitted earlier
     * by the same loop thread on the same descriptor. glibc runs such requests one at a time in order, so the
     * reaper will wake for the earlier one and find {@code w} then; no wake-up write is needed. This saves a
     * system call and two thread switches per request under load.
     */
    private boolean completesAfterAWatchedRequest(Watch w) {
        return perFdFifo && w.key != -1 && java.util.Arrays.binarySearch(sleepKeys, w.key) >= 0;
    }

    private void submitWakeRead() throws IOException {
        wakeCb.prepare(wakeReadFd, 0, wakeBuf, 8, abi.constants().LIO_NOP);
        wakeCb.notifyNone();
        wakeCb.submit(AioControlBlock.Op.READ, "AIO reaper wake-up", this);
    }

    @Override
    public void run() {
        for (;;) {
            try {
                loop();
            } catch (Throwable t) {
                // Never die: every watched request would hang. Log and go on.
                logger.error("AIO reaper failed; continuing", t);
            }
        }
    }

    private void loop() throws IOException {
        for (;;) {
            takeIncoming();
            reapFinished();
            int n = fillList();
            if (n < 0) {
                continue; // a watch finished after reapFinished looked at it: reap before sleeping
            }
            sleeping = true;
            if (!incoming.isEmpty()) {
                sleeping = false;
                continue;
            }
            if (n == 0) {
                LockSupport.park(this);   // timed wake, nothing watched: the next watch unparks
                sleeping = false;
                continue;
            }
            int rc = PosixAio.aio_suspend(list, n, timeout);
            sleeping = false;
            if (rc != 0) {
                int errno = LibC.errno();
                if (errno != Errno.EINTR && errno != abi.constants().EAGAIN) {
                    logger.warn("aio_suspend: {}", Errno.format(errno));
                }
            }
            if (wakeByRead && wakeCb.aioError() != einprogress) {
                wakeCb.aioReturn();
                wakePending.set(false);
                submitWakeRead();
            }
        }
    }

    private void takeIncoming() {
        Watch w;
        while ((w = incoming.poll()) != null) {
            watching.add(w);
        }
    }

    private void reapFinished() {
        List<Watch> ws = watching;
        for (int i = ws.size() - 1; i >= 0; i--) {
            Watch w = ws.get(i);
            if (w.isClaimed() || finished(w)) {
                int last = ws.size() - 1;
                ws.set(i, ws.get(last));
                ws.remove(last);
                for (AioControlBlock cb : w.cbs) {
                    cb.unhold();
                }
                if (w.claim()) {
                    w.driver.completed(w);
                }
            }
        }
    }

    private boolean finished(Watch w) {
        for (AioControlBlock cb : w.cbs) {
            if (cb.aioErrorShared() == einprogress) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes [wake-up if {@link #wakeByRead}, every watched request still in progress] into the suspend list and
     * returns the entry count, or -1 when a watch has no request in progress any more (it finished after
     * {@link #reapFinished()} looked at it; sleeping now would miss it). Finished entries of a partly
     * finished lio batch are left out: they would make {@code aio_suspend} return at once, forever.
     */
    private int fillList() {
        int n = wakeByRead ? 1 : 0;
        for (Watch w : watching) {
            n += w.cbs.length;
        }
        if (n > listCapacity) {
            int cap = Math.max(n, listCapacity * 2);
            long bigger = NativeMemory.allocateZeroed(8L * cap);
            NativeMemory.free(list);
            list = bigger;
            listCapacity = cap;
        }
        int entries = 0;
        if (wakeByRead) {
            NativeMemory.putLong(list, wakeCb.address());
            entries = 1;
        }
        long[] keys = perFdFifo ? new long[n] : null;
        int k = 0;
        for (Watch w : watching) {
            boolean any = false;
            for (AioControlBlock cb : w.cbs) {
                if (cb.aioErrorShared() == einprogress) {
                    NativeMemory.putLong(list + 8L * entries++, cb.address());
                    any = true;
                    if (keys != null) {
                        keys[k++] = key(w.driver, cb);
                    }
                }
            }
            if (!any) {
                return -1;
            }
        }
        if (keys != null) {
            long[] sorted = java.util.Arrays.copyOf(keys, k);
            java.util.Arrays.sort(sorted);
            sleepKeys = sorted;
        }
        return entries;
    }

    /** A snapshot for diagnostics (racy by nature). */
    String debugState() {
        return "sleeping=" + sleeping + " wakePending=" + wakePending.get() + " incoming=" + incoming.size()
                + " watching=" + watching.size()
                + (wakeByRead ? " wakeCb.error=" + wakeCb.aioErrorShared() : " timed wake");
    }

    @Override
    public String toString() {
        return "PosixAioReaper(" + thread.getName() + ")";
    }
}

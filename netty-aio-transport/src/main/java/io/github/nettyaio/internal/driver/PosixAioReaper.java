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
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.PosixAio;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that waits, in {@code aio_suspend}, for every {@code SIGEV_NONE} request submitted
 * through a {@link PosixAioDriver}, and hands finished ones back to their drivers in batches. How a sleeping
 * reaper learns of new requests is its {@link ReaperWake}: an eventfd read on Linux, a timed wait elsewhere
 * (or with {@code -Dio.github.nettyaio.reaperWake=timed}). {@link #watch} and {@link #wakeUp} run on any thread;
 * the reaper never dies: a failure is logged and it goes on.
 *
 * <p>It is critical that the reaper {@link AioControlBlock#hold() holds} every control block it watches, so an
 * owner that reaps and frees a request early never makes the reaper read freed memory.
 */
final class PosixAioReaper implements Runnable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PosixAioReaper.class);
    private static volatile PosixAioReaper instance;

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

    private final Abi abi;
    private final int einprogress;
    private final Queue<Watch> incoming = new ConcurrentLinkedQueue<>();
    private volatile boolean sleeping;
    /**
     * The keys of the requests in progress in the list the reaper is (about to be) asleep on, sorted; written
     * before {@link #sleeping} is set. Only used where requests on one descriptor complete in submission order
     * (glibc: one request per descriptor at a time, FIFO at equal priority).
     */
    private volatile long[] sleepKeys = new long[0];
    private final boolean perFdFifo;
    private final ReaperWake wake;
    private final Thread thread;

    // Reaper-thread state.
    private final List<Watch> watching = new ArrayList<>();
    private long list;
    private int listCapacity;

    /** A reaper for {@code abi} that sleeps and wakes by {@code wake}; {@link #start()} runs it. */
    PosixAioReaper(Abi abi, ReaperWake wake) {
        this.abi = abi;
        this.einprogress = abi.constants().EINPROGRESS;
        this.perFdFifo = abi.family() == Abi.Family.LINUX_GLIBC;
        this.wake = wake;
        listCapacity = 64;
        list = NativeMemory.allocateZeroed(8L * listCapacity);
        thread = new Thread(this, "netty-aio-reaper");
        thread.setDaemon(true);
    }

    /** The process-wide reaper, started on first use; its wake as {@link AioProperties#reaperWakeTimed()} says. */
    static PosixAioReaper instance() throws IOException {
        PosixAioReaper reaper = instance;
        if (reaper == null) {
            synchronized (PosixAioReaper.class) {
                reaper = instance;
                if (reaper == null) {
                    Abi abi = Platform.abi();
                    boolean timed = AioProperties.reaperWakeTimed() || Platform.os() != Platform.Os.LINUX;
                    ReaperWake wake = timed ? new TimedReaperWake(abi) : EventfdReaperWake.open(abi);
                    reaper = new PosixAioReaper(abi, wake);
                    reaper.start();
                    instance = reaper;
                }
            }
        }
        return reaper;
    }

    /**
     * Starts the wake-up and the reaper thread.
     *
     * @throws IOException the wake-up could not be armed
     */
    void start() throws IOException {
        wake.start();
        thread.start();
    }

    /** How this reaper wakes. */
    ReaperWake wake() {
        return wake;
    }

    /** Starts watching {@code watch} (any thread). */
    void watch(Watch watch) {
        for (AioControlBlock cb : watch.cbs) {
            cb.hold();
        }
        incoming.add(watch);
        if (sleeping && !completesAfterAWatchedRequest(watch)) {
            wakeUp();
        }
    }

    /** Makes the reaper look at every watched request again (any thread). */
    void wakeUp() {
        wake.wake(thread);
    }

    /**
     * Whether {@code watch} can only finish after a request the sleeping reaper waits for: one submitted earlier
     * by the same loop thread on the same descriptor. glibc runs such requests one at a time in order, so the
     * reaper will wake for the earlier one and find {@code watch} then; no wake-up write is needed. This saves a
     * system call and two thread switches per request under load.
     */
    private boolean completesAfterAWatchedRequest(Watch watch) {
        return perFdFifo && watch.key != -1 && Arrays.binarySearch(sleepKeys, watch.key) >= 0;
    }

    @Override
    public void run() {
        for (;;) {
            try {
                loop();
            } catch (Throwable failure) {
                // Never die: every watched request would hang. Log and go on.
                logger.error("AIO reaper failed; continuing", failure);
            }
        }
    }

    private void loop() throws IOException {
        for (;;) {
            takeIncoming();
            reapFinished();
            int count = fillList();
            if (count < 0) {
                continue; // a watch finished after reapFinished looked at it: reap before sleeping
            }
            sleeping = true;
            if (!incoming.isEmpty()) {
                sleeping = false;
                continue;
            }
            if (count == 0) {
                LockSupport.park(this);   // timed wake, nothing watched: the next watch unparks
                sleeping = false;
                continue;
            }
            int rc = PosixAio.aio_suspend(list, count, wake.timeout());
            sleeping = false;
            if (rc != 0) {
                int errno = LibC.errno();
                if (errno != Errno.EINTR && errno != abi.constants().EAGAIN) {
                    logger.warn("aio_suspend: {}", Errno.format(errno));
                }
            }
            wake.rearm();
        }
    }

    private void takeIncoming() {
        Watch watch;
        while ((watch = incoming.poll()) != null) {
            watching.add(watch);
        }
    }

    private void reapFinished() {
        List<Watch> ws = watching;
        for (int i = ws.size() - 1; i >= 0; i--) {
            Watch watch = ws.get(i);
            if (watch.isClaimed() || finished(watch)) {
                int last = ws.size() - 1;
                ws.set(i, ws.get(last));
                ws.remove(last);
                for (AioControlBlock cb : watch.cbs) {
                    cb.unhold();
                }
                if (watch.claim()) {
                    watch.driver.completed(watch);
                }
            }
        }
    }

    private boolean finished(Watch watch) {
        for (AioControlBlock cb : watch.cbs) {
            if (cb.aioErrorShared() == einprogress) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes [the wake-up's entries, every watched request still in progress] into the suspend list and
     * returns the entry count, or -1 when a watch has no request in progress any more (it finished after
     * {@link #reapFinished()} looked at it; sleeping now would miss it). Finished entries of a partly
     * finished lio batch are left out: they would make {@code aio_suspend} return at once, forever.
     */
    private int fillList() {
        int head = wake.listEntries();
        int count = head;
        for (Watch watch : watching) {
            count += watch.cbs.length;
        }
        if (count > listCapacity) {
            int cap = Math.max(count, listCapacity * 2);
            long bigger = NativeMemory.allocateZeroed(8L * cap);
            NativeMemory.free(list);
            list = bigger;
            listCapacity = cap;
        }
        wake.writeListHead(list);
        int entries = head;
        long[] keys = perFdFifo ? new long[count] : null;
        int keyCount = 0;
        for (Watch watch : watching) {
            boolean any = false;
            for (AioControlBlock cb : watch.cbs) {
                if (cb.aioErrorShared() == einprogress) {
                    NativeMemory.putLong(list + 8L * entries++, cb.address());
                    any = true;
                    if (keys != null) {
                        keys[keyCount++] = key(watch.driver, cb);
                    }
                }
            }
            if (!any) {
                return -1;
            }
        }
        if (keys != null) {
            long[] sorted = Arrays.copyOf(keys, keyCount);
            Arrays.sort(sorted);
            sleepKeys = sorted;
        }
        return entries;
    }

    /** A snapshot for diagnostics (racy by nature). */
    String debugState() {
        return "sleeping=" + sleeping + " incoming=" + incoming.size() + " watching=" + watching.size() + " "
                + wake.debugState();
    }

    @Override
    public String toString() {
        return "PosixAioReaper(" + thread.getName() + ")";
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.Sigevents;
import io.netty.channel.IoEventLoop;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery for any event loop through {@code SIGEV_NONE} requests and the {@link PosixAioReaper}: the reaper
 * thread finds finished requests and queues them here; one task per batch drains the queue and makes the
 * {@code Aio}s ready on the loop thread. No thread and no JVM attach per completion. While it drains, the loop
 * also reports its own pending requests that finished meanwhile, so under load completions don't wait for a
 * round trip through the reaper. A loop that is gone drops its completions (its {@code Aio}s were failed).
 *
 * <p>It is critical that each completion is reported once: the reaper and the loop
 * {@linkplain PosixAioReaper.Watch#claim() claim} it, and the loop {@linkplain AioControlBlock#hold() holds}
 * the control blocks it may look at.
 */
final class PosixAioDriver extends AioDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PosixAioDriver.class);
    private static final AtomicLong TOKENS = new AtomicLong();
    private static final AtomicInteger IDS = new AtomicInteger();

    /** Distinguishes drivers (and so loop threads) in the reaper's wake-up decision. */
    final int id = IDS.incrementAndGet();
    private final Abi abi = Platform.abi();
    private final PosixAioReaper reaper;
    private final Queue<PosixAioReaper.Watch> completed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /** This loop's watches not yet reported (loop thread only). */
    private final ArrayList<PosixAioReaper.Watch> pending = new ArrayList<>();

    PosixAioDriver(IoEventLoop loop, PosixAioReaper reaper) {
        super(loop);
        this.reaper = reaper;
    }

    @Override
    long newToken(AioReadiness aio) {
        return TOKENS.incrementAndGet();
    }

    @Override
    public void arm(AioControlBlock cb, long token) {
        cb.notifyNone();
    }

    @Override
    public void armList(long sigevent, long token) {
        Sigevents.writeNone(abi, sigevent);
    }

    @Override
    public void submitted(long token, AioControlBlock... accepted) {
        if (accepted.length == 0) {
            throw new IllegalArgumentException("no accepted request to watch");
        }
        PosixAioReaper.Watch watch = new PosixAioReaper.Watch(this, token, accepted);
        for (AioControlBlock cb : accepted) {
            cb.hold();
        }
        pending.add(watch);
        reaper.watch(watch);
    }

    @Override
    public void cancelled(long token, AioControlBlock cb) {
        reaper.wakeUp();
    }

    /** Called by the reaper thread: every request of {@code watch} has finished. */
    void completed(PosixAioReaper.Watch watch) {
        completed.add(watch);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RejectedExecutionException rejected) {
                // The loop is gone: its Aios were failed by the termination listener. The requests stay
                // pinned until their sources reap them (or forever, if they never do).
                logger.debug("Dropping AIO completions for {}: loop shut down", loop);
                completed.clear();
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        PosixAioReaper.Watch watch;
        while ((watch = completed.poll()) != null) {
            notifyReady(watch.token);
        }
        pollOwn();
    }

    /**
     * Reports this loop's pending requests that have finished, for a few rounds while it finds some (the
     * listeners it runs often submit more), and if every round found some, looks again in a later task;
     * drops watches the reaper reported.
     */
    private void pollOwn() {
        for (int round = 0; round < 4; round++) {
            boolean found = false;
            for (int i = pending.size() - 1; i >= 0; i--) {
                if (i >= pending.size()) {
                    continue;
                }
                PosixAioReaper.Watch watch = pending.get(i);
                boolean mine = !watch.isClaimed() && watch.finished() && watch.claim();
                if (watch.isClaimed()) {
                    int last = pending.size() - 1;
                    pending.set(i, pending.get(last));
                    pending.remove(last);
                    for (AioControlBlock cb : watch.cbs) {
                        cb.unhold();
                    }
                }
                if (mine) {
                    found = true;
                    notifyReady(watch.token);
                }
            }
            if (!found) {
                return;
            }
        }
        // Every round found completions: more are likely microseconds away. Look again after the loop's next
        // round of I/O and tasks instead of waiting for the reaper's hand-off; this stops by itself at the
        // first round that finds nothing.
        if (!pending.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drain);
        }
    }

    @Override
    public String toString() {
        return "PosixAioDriver(" + reaper + ")";
    }
}

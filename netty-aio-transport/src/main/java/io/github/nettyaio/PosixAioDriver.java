/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio;

import io.github.nettyaio.sys.Abi;
import io.github.nettyaio.sys.AioControlBlock;
import io.github.nettyaio.sys.Platform;
import io.github.nettyaio.sys.Sigevents;
import io.netty.channel.IoEventLoop;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery for any event loop through {@code SIGEV_NONE} requests and the {@link PosixAioReaper}: the reaper
 * thread finds finished requests and queues their tokens here; one task per batch drains the queue on the
 * loop thread. No thread and no JVM attach per completion.
 */
final class PosixAioDriver extends AioDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PosixAioDriver.class);
    private static final AtomicLong TOKENS = new AtomicLong();

    private final Abi abi = Platform.abi();
    private final PosixAioReaper reaper;
    private final Queue<PosixAioReaper.Watch> completed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    PosixAioDriver(IoEventLoop loop, PosixAioReaper reaper) {
        super(loop);
        this.reaper = reaper;
    }

    @Override
    long newToken(Aio<?> aio) {
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
        reaper.watch(new PosixAioReaper.Watch(this, token, accepted));
    }

    /** Called by the reaper thread: every request of {@code watch} has finished. */
    void completed(PosixAioReaper.Watch watch) {
        completed.add(watch);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(drain);
            } catch (RejectedExecutionException e) {
                // The loop is gone: its Aios were failed by the termination listener. The requests stay
                // pinned until their sources reap them (or forever, if they never do).
                logger.debug("Dropping AIO completions for {}: loop shut down", loop);
                completed.clear();
            }
        }
    }

    private void drain() {
        drainScheduled.set(false);
        PosixAioReaper.Watch w;
        while ((w = completed.poll()) != null) {
            notifyReady(w.token);
        }
    }

    @Override
    public String toString() {
        return "PosixAioDriver(" + reaper + ")";
    }
}

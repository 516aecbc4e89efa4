/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio;

import io.github.nettyaio.sys.Platform;
import io.netty.channel.IoEventLoop;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Delivers AIO completions to the {@link Aio}s of one event loop: one driver per loop, created on first
 * use. Subclasses differ only in how a completion reaches the loop ({@link PosixAioDriver}: a reaper thread;
 * {@link KqueueAioDriver}: the kernel, through Netty's kqueue). The token → {@link Aio} table and the
 * failure of every pending {@link Aio#ready()} at loop shutdown are shared here.
 */
abstract class AioDriver implements AioNotifier {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioDriver.class);
    private static final ConcurrentMap<IoEventLoop, AioDriver> DRIVERS = new ConcurrentHashMap<>();

    final IoEventLoop loop;
    /** Confined to the loop thread (and to the termination listener, once the loop thread has ended). */
    private final LongObjectMap<Aio<?>> aios = new LongObjectHashMap<>();

    AioDriver(IoEventLoop loop) {
        this.loop = loop;
    }

    /**
     * Returns the driver of {@code loop}, creating it on first use. Call on {@code loop}'s thread.
     *
     * @throws IOException the loop can't host AIO (platform without POSIX AIO, loop shutting down)
     */
    static AioDriver forLoop(IoEventLoop loop) throws IOException {
        AioDriver d = DRIVERS.get(loop);
        if (d != null) {
            return d;
        }
        if (loop.isShuttingDown()) {
            throw new IOException("event loop " + loop + " is shutting down: it can't host AIO");
        }
        d = create(loop);
        DRIVERS.put(loop, d);
        AioDriver driver = d;
        loop.terminationFuture().addListener(f -> {
            DRIVERS.remove(loop, driver);
            driver.loopTerminated();
        });
        logger.debug("AIO completions for {} are delivered by {}", loop, d);
        return d;
    }

    private static AioDriver create(IoEventLoop loop) throws IOException {
        if (!Platform.hasAbi()) {
            throw new IOException("no POSIX AIO on " + Platform.describe() + ": "
                    + unsupportedReason());
        }
        if (KqueueAioDriver.canDrive(loop)) {
            return KqueueAioDriver.create(loop);
        }
        return new PosixAioDriver(loop, PosixAioReaper.instance());
    }

    private static String unsupportedReason() {
        try {
            Platform.abi();
            return "";
        } catch (UnsupportedOperationException e) {
            return e.getMessage();
        }
    }

    /**
     * Registers {@code aio} and returns its token (loop thread).
     *
     * @throws IOException the notification path could not be set up
     */
    long register(Aio<?> aio) throws IOException {
        long token = newToken(aio);
        aios.put(token, aio);
        return token;
    }

    /** Forgets the {@link Aio} of {@code token}: later notifications for it are dropped (loop thread). */
    void deregister(long token) {
        if (aios.remove(token) != null) {
            tokenReleased(token);
        }
    }

    /** Allocates the token for {@code aio}; for kqueue, the id of a registration made for it. */
    abstract long newToken(Aio<?> aio) throws IOException;

    /** The token's {@link Aio} was deregistered: release what {@link #newToken} set up. */
    void tokenReleased(long token) {
    }

    /** A notification for {@code token} arrived: make its {@link Aio} ready (loop thread; never throws). */
    final void notifyReady(long token) {
        Aio<?> aio = aios.get(token);
        if (aio != null) {
            try {
                aio.onNotify();
            } catch (Throwable t) {
                logger.warn("Failed to notify {}", aio, t);
            }
        }
    }

    private void loopTerminated() {
        List<Aio<?>> remaining;
        synchronized (this) {
            remaining = new ArrayList<>(aios.values());
            aios.clear();
        }
        IOException cause = new IOException("event loop " + loop + " shut down");
        for (Aio<?> aio : remaining) {
            aio.fail(cause);
        }
        terminated();
    }

    /** The loop has terminated and every {@link Aio} was failed: release resources. */
    void terminated() {
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.AioNotifier;
import io.github.nettyaio.sys.internal.Platform;
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
 * Delivers AIO completions to the {@code Aio}s of one event loop: one driver per loop, created on first
 * use. Subclasses differ only in how a completion reaches the loop ({@link PosixAioDriver}: a reaper thread;
 * {@link KQueueAioDriver}: the kernel, through Netty's kqueue). The token → {@code Aio} table and the
 * failure of every pending {@code Aio#ready()} at loop shutdown are shared here.
 */
public abstract class AioDriver implements AioNotifier {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioDriver.class);
    private static final ConcurrentMap<IoEventLoop, AioDriver> DRIVERS = new ConcurrentHashMap<>();

    final IoEventLoop loop;

    /** Confined to the loop thread (and to the termination listener, once the loop thread has ended). */
    private final LongObjectMap<AioReadiness> aios = new LongObjectHashMap<>();

    AioDriver(IoEventLoop loop) {
        this.loop = loop;
    }

    /** The loop this driver delivers to. */
    public final IoEventLoop loop() {
        return loop;
    }

    /**
     * Returns the driver of {@code loop}, creating it on first use. Call on {@code loop}'s thread.
     *
     * @throws IOException the loop can't host AIO (platform without POSIX AIO, loop shutting down)
     */
    public static AioDriver forLoop(IoEventLoop loop) throws IOException {
        AioDriver created = DRIVERS.get(loop);
        if (created != null) {
            return created;
        }
        if (loop.isShuttingDown()) {
            throw new IOException("event loop " + loop + " is shutting down: it can't host AIO");
        }
        created = create(loop);
        DRIVERS.put(loop, created);
        AioDriver driver = created;
        loop.terminationFuture().addListener(terminated -> {
            DRIVERS.remove(loop, driver);
            driver.loopTerminated();
        });
        logger.debug("AIO completions for {} are delivered by {}", loop, created);
        return created;
    }

    private static AioDriver create(IoEventLoop loop) throws IOException {
        if (!Platform.hasAbi()) {
            throw new IOException("no POSIX AIO on " + Platform.describe() + ": "
                    + unsupportedReason());
        }
        if (KQueueAioDriver.canDrive(loop)) {
            return KQueueAioDriver.create(loop);
        }
        return new PosixAioDriver(loop, PosixAioReaper.instance());
    }

    private static String unsupportedReason() {
        try {
            Platform.abi();
            return "";
        } catch (UnsupportedOperationException unsupported) {
            return unsupported.getMessage();
        }
    }

    /**
     * Registers {@code aio} and returns its token (loop thread).
     *
     * @throws IOException the notification path could not be set up
     */
    public long register(AioReadiness aio) throws IOException {
        long token = newToken(aio);
        aios.put(token, aio);
        return token;
    }

    /** Forgets the {@code Aio} of {@code token}: later notifications for it are dropped (loop thread). */
    public void deregister(long token) {
        if (aios.remove(token) != null) {
            tokenReleased(token);
        }
    }

    /** Allocates the token for {@code aio}; for kqueue, the id of a registration made for it. */
    abstract long newToken(AioReadiness aio) throws IOException;

    /** The token's {@code Aio} was deregistered: release what {@link #newToken} set up. */
    void tokenReleased(long token) {
    }

    /** A notification for {@code token} arrived: make its {@code Aio} ready (loop thread; never throws). */
    public final void notifyReady(long token) {
        AioReadiness aio = aios.get(token);
        if (aio != null) {
            try {
                aio.notified();
            } catch (Throwable failure) {
                logger.warn("Failed to notify {}", aio, failure);
            }
        }
    }

    private void loopTerminated() {
        List<AioReadiness> remaining;
        synchronized (this) {
            remaining = new ArrayList<>(aios.values());
            aios.clear();
        }
        IOException cause = new IOException("event loop " + loop + " shut down");
        for (AioReadiness aio : remaining) {
            aio.failed(cause);
        }
        terminated();
    }

    /** The loop has terminated and every {@code Aio} was failed: release resources. */
    void terminated() {
    }
}

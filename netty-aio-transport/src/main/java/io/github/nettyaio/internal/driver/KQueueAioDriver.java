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
import io.netty.channel.IoRegistration;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;

/**
 * FreeBSD delivery on a kqueue event loop: every aiocb carries {@code SIGEV_KEVENT} with a kqueue fd and a
 * {@code udata}, so the kernel itself posts {@code EVFILT_AIO}/{@code EVFILT_LIO} when a request finishes. Two
 * ways to reach the loop, one class each: {@link NettyKQueueAioDriver} (the kernel posts into Netty's own
 * kqueue) and {@link NestedKQueueAioDriver} (a private kqueue nested in Netty's, when Netty's internals are out
 * of reach). Both map events to readiness with {@link #onKevent}, on the loop thread, and never throw from a
 * handle (Netty would stall the loop for a second and drop the rest of the batch).
 *
 * <p>It is critical to keep this path thin: it can't run where netty-aio is built and tested (Linux); only the
 * event mapping and the ABI tables are checked there.
 */
abstract class KQueueAioDriver extends AioDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(KQueueAioDriver.class);
    private static volatile boolean loggedMode;

    final Abi abi;
    /** The kqueue the kernel posts completions to. */
    final int kq;

    KQueueAioDriver(IoEventLoop loop, Abi abi, int kq) {
        super(loop);
        this.abi = abi;
        this.kq = kq;
    }

    /** Whether {@code loop} is a kqueue loop on a platform with kqueue AIO. */
    static boolean canDrive(IoEventLoop loop) {
        if (Platform.os() != Platform.Os.FREEBSD || !Platform.abi().hasKqueueAio()) {
            return false;
        }
        try {
            return loop.isCompatible(KQueueIoHandle.class);
        } catch (LinkageError noKqueueClasses) { // netty-transport-classes-kqueue is optional
            return false;
        }
    }

    /**
     * Creates the driver for {@code loop} (its thread): into Netty's kqueue when its fd can be read, else nested.
     *
     * @throws IOException a private kqueue or its registration could not be made
     */
    static KQueueAioDriver create(IoEventLoop loop) throws IOException {
        Abi abi = Platform.abi();
        int nettyKq = KQueueAccess.kqueueFd(loop);
        KQueueAioDriver driver = nettyKq >= 0
                ? new NettyKQueueAioDriver(loop, abi, nettyKq, new NettyKQueueAioDriver.LoopRegistrations(loop))
                : NestedKQueueAioDriver.open(loop, abi);
        if (!loggedMode) {
            loggedMode = true;
            logger.info("netty-aio: kqueue AIO completions are delivered by {}", driver);
        }
        return driver;
    }

    /**
     * Registers {@code handle} with {@code loop} (its thread).
     *
     * @throws IOException the registration failed or did not complete at once
     */
    static IoRegistration register(IoEventLoop loop, KQueueIoHandle handle) throws IOException {
        Future<IoRegistration> registration = loop.register(handle);
        if (!registration.isDone()) {
            throw new IOException("registration with " + loop + " did not complete on its thread");
        }
        if (!registration.isSuccess()) {
            throw new IOException("can't register with " + loop, registration.cause());
        }
        return registration.getNow();
    }

    @Override
    public void arm(AioControlBlock cb, long token) {
        cb.notifyKevent(kq, token, abi.constants().EV_ONESHOT);
    }

    @Override
    public void armList(long sigevent, long token) {
        // sigev_notify_kevent_flags is ignored for EVFILT_LIO; the event stays level-triggered until the
        // last entry is reaped.
        Sigevents.writeKevent(abi, sigevent, kq, token, 0);
    }

    @Override
    public void submitted(long token, AioControlBlock... accepted) {
        // The kernel posts the event itself.
    }

    @Override
    public void cancelled(long token, AioControlBlock cb) {
        // A cancelled request still posts its event (with ECANCELED).
    }

    /** Maps one kevent to readiness: EVFILT_AIO/EVFILT_LIO make the Aio of {@code udata} ready. Never throws. */
    final void onKevent(short filter, long udata) {
        if (filter == abi.constants().EVFILT_AIO || filter == abi.constants().EVFILT_LIO) {
            notifyReady(udata);
        }
    }
}

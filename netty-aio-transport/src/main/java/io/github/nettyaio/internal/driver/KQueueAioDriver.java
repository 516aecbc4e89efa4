/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.KQueueLib;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.Sigevents;
import io.github.nettyaio.sys.internal.StructLayout;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.kqueue.KQueueIoEvent;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.channel.kqueue.KQueueIoOps;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * FreeBSD delivery on a kqueue event loop: every aiocb carries {@code SIGEV_KEVENT} with a kqueue fd and a
 * {@code udata}, so the kernel itself posts {@code EVFILT_AIO}/{@code EVFILT_LIO} when a request finishes.
 *
 * <ul>
 *   <li><b>Direct</b> (preferred): the kqueue is Netty's own ({@link KQueueAccess#kqueueFd}) and the udata is
 *       the id of a {@link KQueueIoHandle} registered for each {@code Aio}; Netty routes the event to that
 *       handle's {@code handle()} on the loop thread.</li>
 *   <li><b>Nested</b> (fallback when Netty's internals are out of reach): a private kqueue whose fd is
 *       registered in Netty's with {@code EVFILT_READ}; when it becomes readable, {@code handle()} drains it
 *       with a zero-timeout {@code kevent} and dispatches by udata = the {@code Aio}'s token.</li>
 * </ul>
 * Both share {@link #onKevent}: the event → readiness mapping. Handles never throw (Netty would stall the
 * loop for a second and drop the rest of the batch). <b>Never run here</b>: FreeBSD can't run on the
 * machines this was written on; the mapping and the accessor are unit-tested on Linux.
 */
final class KQueueAioDriver extends AioDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(KQueueAioDriver.class);
    private static final AtomicLong TOKENS = new AtomicLong();
    private static final int NESTED_EVENTS = 64;
    private static volatile boolean loggedMode;

    private final Abi abi;
    private final int kq;
    private final boolean direct;
    private final boolean mappingTest;
    /** Direct mode: the registration of each Aio, by token (loop thread). */
    private final LongObjectMap<IoRegistration> registrations = new LongObjectHashMap<>();
    /** Nested mode: the registration of the private kqueue in Netty's, and the event array it drains into. */
    private IoRegistration nestedRegistration;
    private long eventArray;
    private long zeroTimeout;

    private KQueueAioDriver(IoEventLoop loop, Abi abi, int kq, boolean direct, boolean mappingTest) {
        super(loop);
        this.abi = abi;
        this.kq = kq;
        this.direct = direct;
        this.mappingTest = mappingTest;
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

    /** Creates the driver for {@code loop} (its thread), direct when possible, else nested. */
    static KQueueAioDriver create(IoEventLoop loop) throws IOException {
        Abi abi = Platform.abi();
        int nettyKq = KQueueAccess.kqueueFd(loop);
        KQueueAioDriver d;
        if (nettyKq >= 0) {
            d = new KQueueAioDriver(loop, abi, nettyKq, true, false);
        } else {
            int own = KQueueLib.kqueue();
            if (own < 0) {
                throw Errno.lastException("kqueue", "AIO notifications");
            }
            d = new KQueueAioDriver(loop, abi, own, false, false);
            d.startNested();
        }
        if (!loggedMode) {
            loggedMode = true;
            logger.info("netty-aio: kqueue AIO completions are delivered {}", d.direct
                    ? "directly into Netty's kqueue (SIGEV_KEVENT, udata = registration id)"
                    : "through a private kqueue nested in Netty's (Netty's kqueue internals are not accessible)");
        }
        return d;
    }

    /**
     * A direct-mode driver for {@code abi} on any loop, without a kqueue: tokens come from a counter instead
     * of a registration. Only for tests of the event → readiness mapping ({@link Handle#handle}).
     */
    static KQueueAioDriver forMappingTest(IoEventLoop loop, Abi abi) {
        return new KQueueAioDriver(loop, abi, -1, true, true);
    }

    private void startNested() throws IOException {
        StructLayout kevent = abi.kevent();
        eventArray = NativeMemory.allocateZeroed((long) kevent.size() * NESTED_EVENTS);
        zeroTimeout = NativeMemory.allocateZeroed(abi.timespec().size());
        nestedRegistration = registerHandle(new Handle(kq));
        nestedRegistration.submit(KQueueIoOps.newOps((short) abi.constants().EVFILT_READ,
                (short) abi.constants().EV_ADD, 0));
    }

    private IoRegistration registerHandle(Handle handle) throws IOException {
        Future<IoRegistration> f = loop.register(handle);
        if (!f.isDone()) {
            throw new IOException("registration with " + loop + " did not complete on its thread");
        }
        if (!f.isSuccess()) {
            throw new IOException("can't register with " + loop, f.cause());
        }
        return f.getNow();
    }

    @Override
    long newToken(AioReadiness aio) throws IOException {
        if (!direct || mappingTest) {
            return TOKENS.incrementAndGet();
        }
        // The handle's ident is never used for a filter (the kernel registers EVFILT_AIO itself); it only
        // has to differ from Netty's reserved wake-up ident 0.
        IoRegistration reg = registerHandle(new Handle(Integer.MAX_VALUE));
        long id = KQueueAccess.registrationId(reg);
        if (id < 0) {
            reg.cancel();
            throw new IOException("can't read the kqueue registration id from Netty");
        }
        registrations.put(id, reg);
        return id;
    }

    @Override
    void tokenReleased(long token) {
        IoRegistration reg = registrations.remove(token);
        if (reg != null) {
            reg.cancel();
        }
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
    void onKevent(short filter, long udata) {
        if (filter == abi.constants().EVFILT_AIO || filter == abi.constants().EVFILT_LIO) {
            notifyReady(udata);
        }
    }

    /** Nested mode: drain the private kqueue without blocking. */
    private void drainNested() {
        StructLayout kevent = abi.kevent();
        for (;;) {
            int n = KQueueLib.kevent(kq, 0, 0, eventArray, NESTED_EVENTS, zeroTimeout);
            if (n <= 0) {
                if (n < 0 && LibC.errno() != Errno.EINTR) {
                    logger.warn("kevent on the nested AIO kqueue: {}", Errno.format(LibC.errno()));
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                long e = eventArray + (long) i * kevent.size();
                short filter = (short) NativeMemory.getField(e, kevent.field("filter"));
                long udata = NativeMemory.getField(e, kevent.field("udata"));
                onKevent(filter, udata);
            }
            if (n < NESTED_EVENTS) {
                return;
            }
        }
    }

    @Override
    void terminated() {
        if (!direct && kq >= 0) {
            LibC.close(kq);
            NativeMemory.free(eventArray);
            NativeMemory.free(zeroTimeout);
        }
    }

    /** The handle Netty delivers our kevents to. */
    final class Handle implements KQueueIoHandle {
        private final int ident;

        Handle(int ident) {
            this.ident = ident;
        }

        @Override
        public int ident() {
            return ident;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            try {
                KQueueIoEvent event = (KQueueIoEvent) ioEvent;
                if (direct) {
                    onKevent(event.filter(), event.udata());
                } else if (event.filter() == abi.constants().EVFILT_READ) {
                    drainNested();
                }
            } catch (Throwable t) {
                logger.warn("Failed to handle a kqueue AIO event {}", ioEvent, t);
            }
        }

        @Override
        public void close() {
        }
    }

    @Override
    public String toString() {
        return "KQueueAioDriver(" + (direct ? "direct" : "nested") + ", kq=" + kq + ")";
    }
}

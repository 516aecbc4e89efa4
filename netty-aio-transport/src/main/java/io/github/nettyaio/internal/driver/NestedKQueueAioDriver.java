/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.KQueueLib;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.StructLayout;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.kqueue.KQueueIoEvent;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.channel.kqueue.KQueueIoOps;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kqueue delivery when Netty's kqueue internals are out of reach (another Netty version, or the module path
 * without {@code --add-opens}): the kernel posts to a private kqueue whose fd is registered in Netty's with
 * {@code EVFILT_READ}; when it becomes readable, the loop thread drains it with a zero-timeout {@code kevent}
 * and dispatches by {@code udata} = the {@code Aio}'s token. A failing {@code kevent} is logged.
 *
 * <p>It is critical to drain until fewer events than the array holds come back: the private kqueue reports
 * readable once per batch. Never run where netty-aio is built (FreeBSD only, and only as a fallback).
 */
final class NestedKQueueAioDriver extends KQueueAioDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NestedKQueueAioDriver.class);
    private static final AtomicLong TOKENS = new AtomicLong();
    private static final int EVENTS = 64;

    private final long eventArray;
    private final long zeroTimeout;

    private NestedKQueueAioDriver(IoEventLoop loop, Abi abi, int ownKq) {
        super(loop, abi, ownKq);
        eventArray = NativeMemory.allocateZeroed((long) abi.kevent().size() * EVENTS);
        zeroTimeout = NativeMemory.allocateZeroed(abi.timespec().size());
    }

    /**
     * Creates a private kqueue and registers it in {@code loop}'s (its thread).
     *
     * @throws IOException the errno of {@code kqueue}, or the registration failed
     */
    static NestedKQueueAioDriver open(IoEventLoop loop, Abi abi) throws IOException {
        int own = KQueueLib.kqueue();
        if (own < 0) {
            throw Errno.lastException("kqueue", "AIO notifications");
        }
        NestedKQueueAioDriver driver = new NestedKQueueAioDriver(loop, abi, own);
        try {
            IoRegistration registration = register(loop, driver.new ReadableHandle());
            registration.submit(KQueueIoOps.newOps((short) abi.constants().EVFILT_READ,
                    (short) abi.constants().EV_ADD, 0));
        } catch (IOException | RuntimeException failure) {
            driver.terminated();
            throw failure;
        }
        return driver;
    }

    @Override
    long newToken(AioReadiness aio) {
        return TOKENS.incrementAndGet();
    }

    /** Drains the private kqueue without blocking (loop thread). */
    private void drain() {
        StructLayout kevent = abi.kevent();
        for (;;) {
            int count = KQueueLib.kevent(kq, 0, 0, eventArray, EVENTS, zeroTimeout);
            if (count <= 0) {
                if (count < 0 && LibC.errno() != Errno.EINTR) {
                    logger.warn("kevent on the nested AIO kqueue: {}", Errno.format(LibC.errno()));
                }
                return;
            }
            for (int i = 0; i < count; i++) {
                long event = eventArray + (long) i * kevent.size();
                short filter = (short) NativeMemory.getField(event, kevent.field("filter"));
                long udata = NativeMemory.getField(event, kevent.field("udata"));
                onKevent(filter, udata);
            }
            if (count < EVENTS) {
                return;
            }
        }
    }

    @Override
    void terminated() {
        LibC.close(kq);
        NativeMemory.free(eventArray);
        NativeMemory.free(zeroTimeout);
    }

    /** The handle Netty reports the private kqueue's readability to. */
    private final class ReadableHandle implements KQueueIoHandle {
        @Override
        public int ident() {
            return kq;
        }

        @Override
        public void handle(IoRegistration ignored, IoEvent ioEvent) {
            try {
                if (((KQueueIoEvent) ioEvent).filter() == abi.constants().EVFILT_READ) {
                    drain();
                }
            } catch (Throwable failure) {
                logger.warn("Failed to handle a kqueue AIO event {}", ioEvent, failure);
            }
        }

        @Override
        public void close() {
        }
    }

    @Override
    public String toString() {
        return "NestedKQueueAioDriver(SIGEV_KEVENT into a private kqueue " + kq + " nested in Netty's)";
    }
}

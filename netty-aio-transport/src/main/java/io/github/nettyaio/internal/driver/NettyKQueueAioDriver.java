/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.sys.internal.Abi;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.kqueue.KQueueIoEvent;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;

/**
 * Kqueue delivery into Netty's own kqueue ({@link KQueueAccess#kqueueFd}): each {@code Aio}'s token is the id of
 * a {@link KQueueIoHandle} registered for it, which Netty puts in the kevent's {@code udata} and routes the
 * kernel's {@code EVFILT_AIO}/{@code EVFILT_LIO} event by to that handle, on the loop thread. Failures: a
 * registration that can't be made fails the {@code Aio}'s creation with an {@code IOException}.
 *
 * <p>It is critical that every token's registration is cancelled when its {@code Aio} goes away
 * ({@link #tokenReleased}): Netty would keep the handle forever. Never run where netty-aio is built (FreeBSD
 * only); the event mapping is tested with {@link Registrations} that need no kqueue.
 */
final class NettyKQueueAioDriver extends KQueueAioDriver {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NettyKQueueAioDriver.class);

    /** Where handles are registered and which id Netty routes their events by. */
    interface Registrations {
        /**
         * Registers {@code handle} and returns the id Netty puts in its events' {@code udata} (loop thread).
         *
         * @throws IOException the registration failed
         */
        long register(KQueueIoHandle handle) throws IOException;

        /** Cancels the registration of {@code id} (loop thread). */
        void cancel(long id);
    }

    private final Registrations registrations;

    NettyKQueueAioDriver(IoEventLoop loop, Abi abi, int nettyKq, Registrations registrations) {
        super(loop, abi, nettyKq);
        this.registrations = registrations;
    }

    @Override
    long newToken(AioReadiness aio) throws IOException {
        return registrations.register(new EventHandle());
    }

    @Override
    void tokenReleased(long token) {
        registrations.cancel(token);
    }

    /** The handle Netty delivers an {@code Aio}'s kevents to. */
    final class EventHandle implements KQueueIoHandle {
        @Override
        public int ident() {
            // Never used for a filter (the kernel registers EVFILT_AIO itself); it only has to differ from
            // Netty's reserved wake-up ident 0.
            return Integer.MAX_VALUE;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            try {
                KQueueIoEvent event = (KQueueIoEvent) ioEvent;
                onKevent(event.filter(), event.udata());
            } catch (Throwable failure) {
                logger.warn("Failed to handle a kqueue AIO event {}", ioEvent, failure);
            }
        }

        @Override
        public void close() {
        }
    }

    /** Registrations with the loop itself, their ids read from Netty with {@link KQueueAccess#registrationId}. */
    static final class LoopRegistrations implements Registrations {
        private final IoEventLoop loop;
        private final LongObjectMap<IoRegistration> byId = new LongObjectHashMap<>();

        LoopRegistrations(IoEventLoop loop) {
            this.loop = loop;
        }

        @Override
        public long register(KQueueIoHandle handle) throws IOException {
            IoRegistration registration = KQueueAioDriver.register(loop, handle);
            long id = KQueueAccess.registrationId(registration);
            if (id < 0) {
                registration.cancel();
                throw new IOException("can't read the kqueue registration id from Netty");
            }
            byId.put(id, registration);
            return id;
        }

        @Override
        public void cancel(long id) {
            IoRegistration registration = byId.remove(id);
            if (registration != null) {
                registration.cancel();
            }
        }
    }

    @Override
    public String toString() {
        return "NettyKQueueAioDriver(SIGEV_KEVENT into Netty's kqueue " + kq + ", udata = registration id)";
    }
}

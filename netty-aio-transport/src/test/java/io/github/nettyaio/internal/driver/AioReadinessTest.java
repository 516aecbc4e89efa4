/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.github.nettyaio.Aio;
import io.github.nettyaio.AioEvent;
import io.github.nettyaio.AioNotifier;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.sys.internal.Abi;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.kqueue.KQueueIoEvent;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readiness state machine of {@link Aio} (sticky, edge-triggered, tick-based clearing) and the FreeBSD
 * kqueue event → readiness mapping, driven by notifications delivered the way the drivers deliver them:
 * on the loop thread. The kqueue events are synthetic {@link KQueueIoEvent}s laid out as FreeBSD reports
 * them; the kqueue path itself can't run here.
 */
class AioReadinessTest {
    private static IoEventLoopGroup group;
    private static IoEventLoop loop;

    /** A source that submits nothing: readiness is driven directly. */
    static final class NullSource implements AioSource {
        AioNotifier notifier;
        long token;
        boolean deregistered;

        @Override
        public void register(AioNotifier notifier, long token) {
            this.notifier = notifier;
            this.token = token;
        }

        @Override
        public void deregister() {
            deregistered = true;
        }

        @Override
        public String toString() {
            return "NullSource";
        }
    }

    /** What a driver reports to one registration, recorded (loop thread). */
    static final class RecordingReadiness implements AioReadiness {
        boolean notified;

        @Override
        public void notified() {
            notified = true;
        }

        @Override
        public void failed(Throwable cause) {
        }
    }

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    @Test
    void stickyEdgeTriggeredAndTickBased() throws Exception {
        NullSource src = new NullSource();
        Aio<NullSource> aio = onLoop(() -> Aio.newForAio(loop, src));
        assertTrue(src.notifier != null, "registered at creation");
        Future<AioEvent> pending = aio.ready();
        assertFalse(pending.isDone());
        assertSame(pending, aio.ready(), "the same future while pending");

        AtomicReference<Thread> listenerThread = new AtomicReference<>();
        pending.addListener(f -> listenerThread.set(Thread.currentThread()));
        onLoop(() -> {
            ((AioDriver) src.notifier).notifyReady(src.token);
            return null;
        });
        AioEvent e1 = pending.get(10, TimeUnit.SECONDS);
        assertTrue(onLoop(() -> listenerThread.get() == Thread.currentThread()), "listener ran on the loop");
        assertTrue(aio.ready().isSuccess(), "sticky");
        assertSame(e1, aio.ready().getNow());

        // A second notification before clearing: clearing the first event keeps the newer readiness.
        onLoop(() -> {
            ((AioDriver) src.notifier).notifyReady(src.token);
            return null;
        });
        AioEvent e2 = aio.ready().getNow();
        assertNotSame(e1, e2);
        aio.clearReady(e1);
        assertTrue(aio.ready().isSuccess(), "a newer notification survives clearing an older event");
        aio.clearReady(e2);
        Future<AioEvent> next = aio.ready();
        assertFalse(next.isDone(), "cleared");
        aio.clearReady(e2);
        assertSame(next, aio.ready());

        onLoop(() -> {
            aio.close();
            return null;
        });
        assertInstanceOf(ClosedChannelException.class, next.await().cause());
        assertInstanceOf(ClosedChannelException.class, aio.ready().cause());
        assertTrue(src.deregistered);
        assertEquals("Aio(NullSource)", aio.toString());
    }

    @Test
    void mustBeCreatedOnTheLoopThread() {
        assertThrows(IllegalStateException.class, () -> Aio.newForAio(loop, new NullSource()));
    }

    @Test
    void intoInnerDeregistersAndFailsPendingReady() throws Exception {
        NullSource src = new NullSource();
        Aio<NullSource> aio = onLoop(() -> Aio.newForLio(loop, src));
        assertTrue(aio.isLio());
        Future<AioEvent> pending = aio.ready();
        assertSame(src, onLoop(aio::intoInner));
        assertInstanceOf(ClosedChannelException.class, pending.await().cause());
        // A notification after deregistration is dropped.
        onLoop(() -> {
            ((AioDriver) src.notifier).notifyReady(src.token);
            return null;
        });
        assertFalse(aio.ready().isSuccess());
    }

    @Test
    void loopShutdownFailsPendingReady() throws Exception {
        IoEventLoopGroup g = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IoEventLoop l = (IoEventLoop) g.next();
        Aio<NullSource> aio = l.submit(() -> Aio.newForAio(l, new NullSource())).get(10, TimeUnit.SECONDS);
        Future<AioEvent> pending = aio.ready();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        pending.addListener(f -> seen.set(f.cause()));
        g.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        Throwable cause = pending.await().cause();
        assertInstanceOf(IOException.class, cause);
        assertTrue(cause.getMessage().contains("shut down"), cause.getMessage());
        assertThrows(IOException.class, () -> {
            throw (Exception) aio.ready().cause();
        });
    }

    /**
     * Registrations that need no kqueue: ids from a counter, each registered handle recorded by its id, the way
     * Netty routes a kevent to the handle whose id is its {@code udata}.
     */
    static final class RecordingRegistrations implements NettyKQueueAioDriver.Registrations {
        final Map<Long, KQueueIoHandle> handles = new HashMap<>();
        final List<Long> cancelled = new ArrayList<>();
        private long next = 100;

        @Override
        public long register(KQueueIoHandle handle) {
            long id = next++;
            handles.put(id, handle);
            return id;
        }

        @Override
        public void cancel(long id) {
            cancelled.add(id);
        }
    }

    /**
     * EVFILT_AIO / EVFILT_LIO events make the Aio of their udata ready; other filters and udatas don't. The events
     * go to the handles the driver registered, as Netty's kqueue handler routes them.
     */
    @Test
    void kqueueEventsMapToReadiness() throws Exception {
        Abi freebsd = Abi.byId("freebsd14-amd64");
        short aioFilter = (short) freebsd.constants().EVFILT_AIO;
        short lioFilter = (short) freebsd.constants().EVFILT_LIO;
        short eof = (short) freebsd.constants().EV_EOF;
        RecordingRegistrations registrations = new RecordingRegistrations();
        NettyKQueueAioDriver driver = onLoop(() -> new NettyKQueueAioDriver(loop, freebsd, -1, registrations));
        NullSource a = new NullSource();
        NullSource b = new NullSource();
        RecordingReadiness aioA = new RecordingReadiness();
        RecordingReadiness lioB = new RecordingReadiness();
        a.token = onLoop(() -> driver.register(aioA));
        b.token = onLoop(() -> driver.register(lioB));
        assertNotEquals(a.token, b.token, "one registration per Aio");
        KQueueIoHandle handleA = registrations.handles.get(a.token);
        KQueueIoHandle handleB = registrations.handles.get(b.token);
        assertEquals(Integer.MAX_VALUE, handleA.ident(), "never Netty's reserved wake-up ident 0");

        onLoop(() -> {
            // EVFILT_READ for A's udata, and an AIO event for an unknown udata: nothing becomes ready.
            handleA.handle(null, KQueueIoEvent.newEvent(7, (short) freebsd.constants().EVFILT_READ, (short) 0, 0, 0,
                    a.token));
            handleA.handle(null, KQueueIoEvent.newEvent(7, aioFilter, eof, 0, 0, 987654321L));
            return null;
        });
        assertFalse(aioA.notified);
        assertFalse(lioB.notified);

        onLoop(() -> {
            // data = the request's error code (here EBADF): readiness only; the outcome is read from the source.
            handleA.handle(null, KQueueIoEvent.newEvent(0x1234, aioFilter, eof, 0, 9, a.token));
            return null;
        });
        assertTrue(aioA.notified);
        assertFalse(lioB.notified);

        onLoop(() -> {
            handleB.handle(null, KQueueIoEvent.newEvent(0x5678, lioFilter, (short) 0, 0, 0, b.token));
            // A malformed event must not throw out of handle() (Netty would stall the loop).
            handleB.handle(null, null);
            return null;
        });
        assertTrue(lioB.notified);
        onLoop(() -> {
            driver.deregister(a.token);
            driver.deregister(b.token);
            return null;
        });
        assertEquals(List.of(a.token, b.token), registrations.cancelled, "deregistering cancels the registration");
    }

    /** The fields the direct kqueue path reads exist in the Netty we build against. */
    @Test
    void kqueueAccessorFindsNettyFields() throws Exception {
        assertTrue(KQueueAccess.fieldsPresent(), "Netty's kqueue internals changed: the nested fallback would run");
        assertEquals(-1, KQueueAccess.kqueueFd(loop), "an NIO loop has no kqueue fd");
        // The wrapper Netty puts around every registration is unwrapped.
        io.netty.channel.IoRegistration reg = onLoop(() -> loop.register(new io.netty.channel.nio.NioIoHandle() {
            final java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();

            @Override
            public java.nio.channels.SelectableChannel selectableChannel() {
                try {
                    pipe.source().configureBlocking(false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return pipe.source();
            }

            @Override
            public void handle(io.netty.channel.IoRegistration registration, io.netty.channel.IoEvent ioEvent) {
            }

            @Override
            public void close() throws Exception {
                pipe.source().close();
                pipe.sink().close();
            }
        }).get());
        Object inner = KQueueAccess.unwrap(reg);
        assertNotSame(reg, inner);
        assertEquals(-1, KQueueAccess.registrationId(reg), "an NIO registration has no kqueue id");
        onLoop(() -> {
            reg.cancel();
            return null;
        });
    }
}

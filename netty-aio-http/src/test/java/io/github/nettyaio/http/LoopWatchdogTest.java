/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopWatchdogTest {
    /** An NIO handler that throws {@link #KILL} out of {@code run} once {@code kill} is set: the loop's thread ends. */
    private static final class KillableHandler implements IoHandler {
        final IoHandler nio;
        volatile boolean kill;

        KillableHandler(ThreadAwareExecutor executor) {
            this.nio = NioIoHandler.newFactory().newHandler(executor);
        }

        @Override
        public void initialize() {
            nio.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            if (kill) {
                throw KILL;
            }
            return nio.run(context);
        }

        @Override
        public void prepareToDestroy() {
            nio.prepareToDestroy();
        }

        @Override
        public void destroy() {
            nio.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return nio.register(handle);
        }

        @Override
        public void wakeup() {
            nio.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return nio.isCompatible(handleType);
        }
    }

    private static final Error KILL = new ExceptionInInitializerError("no descriptor left (deliberate)");

    static {
        KILL.setStackTrace(new StackTraceElement[0]);
    }

    /** Each loop's handler (Netty makes it with the loop itself as the executor). */
    private final Map<Object, KillableHandler> handlers = new ConcurrentHashMap<>();
    private final IoHandlerFactory factory = executor -> {
        KillableHandler h = new KillableHandler(executor);
        handlers.put(executor, h);
        return h;
    };

    @Test
    void aLoopWhoseThreadDiesIsLoggedAtErrorAndTheDeathActionRuns() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger(LoopWatchdog.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        try {
            CompletableFuture<Object[]> death = new CompletableFuture<>();
            LoopWatchdog dog = new LoopWatchdog((loop, cause) -> death.complete(new Object[] {loop, cause}));
            dog.watch(group);
            EventExecutor victim = group.next();
            // Start the loop, then make its next I/O pass throw.
            victim.submit(() -> { }).sync();
            KillableHandler h = handlers.get(victim);
            victim.execute(() -> h.kill = true);
            Object[] got = death.get(10, TimeUnit.SECONDS);
            assertSame(victim, got[0]);
            assertSame(KILL, got[1]);
            assertTrue(dog.hasDied());
            assertTrue(victim.isTerminated());
            assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.SEVERE && r.getThrown() == KILL
                    && r.getMessage().contains("ended unexpectedly")), String.valueOf(records));
        } finally {
            jul.removeHandler(capture);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void ourOwnShutdownIsNotADeath() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory);
        List<Throwable> deaths = new CopyOnWriteArrayList<>();
        LoopWatchdog dog = new LoopWatchdog((loop, cause) -> deaths.add(cause == null ? new Error("none") : cause));
        dog.watch(group);
        group.next().submit(() -> { }).sync();
        dog.stopping();
        assertTrue(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS));
        // Listeners run in the order added, on one thread: once these ran, the watchdog's have too.
        CountDownLatch after = new CountDownLatch(2);
        for (EventExecutor loop : group) {
            loop.terminationFuture().addListener(f -> after.countDown());
        }
        assertTrue(after.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(), deaths);
        assertFalse(dog.hasDied());
    }

    @Test
    void anUnannouncedShutdownIsReported() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        CompletableFuture<Throwable> death = new CompletableFuture<>();
        new LoopWatchdog((loop, cause) -> death.complete(cause)).watch(group);
        group.next().submit(() -> { }).sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        assertEquals(null, death.get(10, TimeUnit.SECONDS));
    }
}

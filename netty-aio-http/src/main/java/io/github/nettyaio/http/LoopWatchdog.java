/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Notices an event loop whose thread ended without our own shutdown (say an {@code Error} escaped the loop's I/O
 * processing, which Netty only logs at WARN before the loop terminates for good) and reports it: logs it at ERROR
 * and calls the death action, typically {@link #exitProcess(int)} so a supervisor restarts the server. Without it
 * such a server keeps its port in LISTEN but never accepts again.
 *
 * <p>{@link #watch(EventExecutorGroup)} every group; call {@link #stopping()} before shutting them down
 * gracefully, after which terminations are expected and not reported (a loop that ends with an exception still is,
 * at ERROR, without the death action). The death action runs at most once, on the thread that completes the
 * loop's termination future (Netty's {@code GlobalEventExecutor}): it may block, e.g. in {@code System.exit}.
 * Thread-safe.
 */
public final class LoopWatchdog {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(LoopWatchdog.class);

    private final BiConsumer<EventExecutor, Throwable> onDeath;
    private volatile boolean stopping;
    private volatile boolean died;

    /**
     * A watchdog calling {@code onDeath} with the dead loop and the {@code Throwable} that ended it (null if it
     * ended without one, e.g. a {@code shutdownGracefully()} nobody announced with {@link #stopping()}).
     */
    public LoopWatchdog(BiConsumer<EventExecutor, Throwable> onDeath) {
        this.onDeath = Objects.requireNonNull(onDeath, "onDeath");
    }

    /** A death action that exits the JVM with {@code status} (shutdown hooks run). */
    public static BiConsumer<EventExecutor, Throwable> exitProcess(int status) {
        return (loop, cause) -> System.exit(status);
    }

    /**
     * Watches every loop {@code group} has now (call it after creating the group; groups don't add loops later).
     *
     * @return this
     */
    public LoopWatchdog watch(EventExecutorGroup group) {
        for (EventExecutor loop : group) {
            loop.terminationFuture().addListener(f -> terminated(loop, f));
        }
        return this;
    }

    /** Announces our own shutdown: loops terminating from now on are expected. */
    public void stopping() {
        stopping = true;
    }

    /** Whether a loop has died unexpectedly (the death action was called). */
    public boolean hasDied() {
        return died;
    }

    private void terminated(EventExecutor loop, Future<?> f) {
        Throwable cause = f.cause();
        if (stopping) {
            if (cause != null) {
                report("event loop " + loop + " ended with an exception while shutting down", cause);
            }
            return;
        }
        synchronized (this) {
            if (died) {
                return;
            }
            died = true;
        }
        report("event loop " + loop + " ended unexpectedly: the connections and ports it served are dead", cause);
        onDeath.accept(loop, cause);
    }

    private static void report(String message, Throwable cause) {
        try {
            logger.error(message, cause);
        } catch (Throwable logFailed) {
            // The logging back-end may be what killed the loop (no descriptor to load its classes): say it plainly.
            System.err.println("ERROR " + message + ": " + cause + " (logging failed: " + logFailed + ")");
        }
    }
}

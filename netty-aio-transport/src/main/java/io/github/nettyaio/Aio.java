/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio;

import io.github.nettyaio.internal.driver.AioDriver;
import io.github.nettyaio.internal.driver.AioReadiness;

import io.github.nettyaio.internal.LoopPromise;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * Readiness of a POSIX AIO source on a Netty {@link IoEventLoop}: the port of Tokio's
 * {@code tokio::io::bsd::Aio}.
 *
 * <p>Create it on the loop's thread for a source ({@link #newForAio} for single requests such as
 * {@link io.github.nettyaio.source.AioRead}, {@link #newForLio} for
 * {@link io.github.nettyaio.source.LioListio}); it registers the source at once, so the caller can submit
 * right after. {@link #ready()} completes, on the loop thread, once the submitted operation (or the whole
 * list) has finished — successfully or not: read the outcome from the source. Readiness is sticky and
 * edge-triggered: it stays set until {@link #clearReady(AioEvent)} with the event that observed it.
 *
 * <pre>{@code
 * AioRead read = new AioRead(fd, 0, buf);
 * Aio<AioRead> aio = Aio.newForAio(loop, read);   // on loop's thread
 * read.submit();
 * aio.ready().addListener(f -> {                   // runs on loop's thread
 *     long n = aio.source().result();              // throws the request's errno
 *     aio.close();
 * });
 * }</pre>
 *
 * <p>How completions arrive is the platform's business: on FreeBSD with a kqueue loop, the kernel posts
 * {@code EVFILT_AIO}/{@code EVFILT_LIO} events to Netty's own kqueue; elsewhere (glibc here) a reaper
 * thread waits for the requests and hands them to the loop in batches.
 *
 * <p>Threading: an {@code Aio} and its source are confined to the loop thread, like a channel's unsafe;
 * only {@link #ready()} and {@link #toString()} may be called from any thread.
 *
 * @param <E> the source type
 */
public final class Aio<E extends AioSource> implements AutoCloseable {
    private final IoEventLoop loop;
    private final E source;
    private final AioDriver driver;
    private final boolean lio;
    private long token;
    private boolean registered;

    // Guarded by this: ready() may be called from any thread.
    private long tick;
    private long clearedTick;
    private Promise<AioEvent> pending;
    private Future<AioEvent> readyFuture;
    private AioEvent lastEvent;
    /** Why every ready() fails from now on; for a closed Aio made only when someone asks (see {@link #failure}). */
    private Throwable failure;
    /** Closed or turned back into its source: ready() fails with a ClosedChannelException. */
    private boolean closed;

    private Aio(IoEventLoop loop, E source, AioDriver driver, boolean lio) {
        this.loop = loop;
        this.source = source;
        this.driver = driver;
        this.lio = lio;
    }

    /**
     * Creates an {@code Aio} for a source that submits single requests ({@code aio_read}, {@code aio_write},
     * {@code aio_fsync}, ...) and registers the source with the loop's notifier.
     *
     * @param loop   the event loop that will observe completions; must be the calling thread's
     * @param source the source; not yet submitted
     * @throws IllegalStateException not called on {@code loop}'s thread
     * @throws IOException           {@code loop} can't host AIO (the message says why: e.g. no POSIX AIO on
     *                               this platform, or the loop is shutting down)
     */
    public static <E extends AioSource> Aio<E> newForAio(IoEventLoop loop, E source) throws IOException {
        return create(loop, source, false);
    }

    /**
     * Creates an {@code Aio} for a {@code lio_listio} source ({@link io.github.nettyaio.source.LioListio}):
     * it becomes ready when every request of the list the kernel accepted has finished.
     *
     * @throws IllegalStateException not called on {@code loop}'s thread
     * @throws IOException           {@code loop} can't host AIO
     */
    public static <E extends AioSource> Aio<E> newForLio(IoEventLoop loop, E source) throws IOException {
        return create(loop, source, true);
    }

    private static <E extends AioSource> Aio<E> create(IoEventLoop loop, E source, boolean lio) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(source, "source");
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("Aio must be created on the thread of " + loop
                    + ", not on " + Thread.currentThread().getName());
        }
        return createWith(AioDriver.forLoop(loop), source, lio);
    }

    /** Creates an Aio on {@code driver}'s loop (its thread). */
    private static <E extends AioSource> Aio<E> createWith(AioDriver driver, E source, boolean lio) throws IOException {
        Aio<E> aio = new Aio<>(driver.loop(), source, driver, lio);
        aio.token = driver.register(aio.new Readiness());
        aio.registered = true;
        source.register(driver, aio.token);
        return aio;
    }

    /** The wrapped source (Tokio: {@code Deref}). Loop thread only. */
    public E source() {
        return source;
    }

    /** The event loop completions are delivered on. */
    public IoEventLoop eventLoop() {
        return loop;
    }

    /** Whether this {@code Aio} was made by {@link #newForLio}. */
    public boolean isLio() {
        return lio;
    }

    /**
     * Returns a future that succeeds, on the loop thread, with an {@link AioEvent} once the submitted
     * operation has completed (successfully or not). While ready (until {@link #clearReady}), every call
     * returns an already succeeded future; while waiting, every call returns the same future. May be called
     * from any thread.
     *
     * @return the readiness future; it fails with {@link ClosedChannelException} once this {@code Aio} is
     *         closed or turned back into its source, and with an {@link IOException} when the event loop shuts
     *         down — it never hangs
     */
    public Future<AioEvent> ready() {
        synchronized (this) {
            Throwable cause = failure();
            if (cause != null) {
                return loop.newFailedFuture(cause);
            }
            if (tick > clearedTick) {
                if (readyFuture == null) {
                    readyFuture = loop.newSucceededFuture(lastEvent);
                }
                return readyFuture;
            }
            if (pending == null) {
                pending = new LoopPromise<>(loop);
            }
            return pending;
        }
    }

    /**
     * Clears the readiness {@code event} observed, so that the next {@link #ready()} waits for a newer
     * notification; a notification that arrived after {@code event} stays visible. Call it after finding
     * that the source is not actually done (an {@code lio_listio} with refused entries) and before
     * resubmitting the same source. Loop thread only.
     */
    public void clearReady(AioEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (this) {
            if (event.tick > clearedTick) {
                clearedTick = Math.min(event.tick, tick);
                if (tick <= clearedTick) {
                    readyFuture = null;
                }
            }
        }
    }

    /**
     * Deregisters and returns the source (Tokio: {@code into_inner}); a pending {@link #ready()} future fails
     * with {@link ClosedChannelException}. Requests in flight keep their memory pinned until the source
     * reaps them. Loop thread only.
     */
    public E intoInner() {
        deregister();
        return source;
    }

    /**
     * Deregisters the source; a pending {@link #ready()} future fails with {@link ClosedChannelException}.
     * Idempotent. Never frees memory a request in flight still uses. Loop thread only.
     */
    @Override
    public void close() {
        deregister();
    }

    private void deregister() {
        if (registered) {
            registered = false;
            driver.deregister(token);
            source.deregister();
        }
        Promise<AioEvent> p;
        Throwable cause;
        synchronized (this) {
            closed = true;
            p = pending;
            pending = null;
            readyFuture = null;
            // Only a pending future needs the exception now: closing an Aio nobody waits on (the usual end of
            // one operation) makes none, so no stack trace is filled in per operation.
            cause = p != null ? failure() : null;
        }
        if (p != null) {
            p.tryFailure(cause);
        }
    }

    /** The failure of every ready() from now on, or null; made on first need for a closed Aio. Holds the lock. */
    private Throwable failure() {
        if (failure == null && closed) {
            failure = new ClosedChannelException();
        }
        return failure;
    }

    /** What the driver calls back: kept private so that the driver needs no access to Aio itself. */
    private final class Readiness implements AioReadiness {
        @Override
        public void notified() {
            onNotify();
        }

        @Override
        public void failed(Throwable cause) {
            fail(cause);
        }

        @Override
        public String toString() {
            return Aio.this.toString();
        }
    }

    /** A notification for this Aio's token arrived (loop thread). */
    private void onNotify() {
        Promise<AioEvent> p;
        AioEvent event;
        synchronized (this) {
            if (failure != null || closed) {
                return;
            }
            tick++;
            event = new AioEvent(tick);
            lastEvent = event;
            p = pending;
            pending = null;
            readyFuture = p;
        }
        if (p != null) {
            p.trySuccess(event);
        }
    }

    /** Fails a pending ready() and every later one with {@code cause} (first cause wins). */
    private void fail(Throwable cause) {
        Promise<AioEvent> p;
        synchronized (this) {
            if (failure() == null) {
                failure = cause;
            }
            p = pending;
            pending = null;
            readyFuture = null;
        }
        if (p != null) {
            p.tryFailure(failure);
        }
    }

    long token() {
        return token;
    }

    @Override
    public String toString() {
        return "Aio(" + source + ")";
    }
}

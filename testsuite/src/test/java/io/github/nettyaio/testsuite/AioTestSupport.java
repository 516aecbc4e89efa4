/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.Aio;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.testing.Loops;
import io.github.nettyaio.testing.RoundTrips;
import io.github.nettyaio.testing.TinyTmpfs;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Shared loops (one per {@link LoopType}, made on first use) and the submit → ready → result round trip of an
 * {@link AioSource} that the integration tests use; the bounded waits are {@link Loops}'. Round trips complete
 * their futures on the loop; the waits block the test thread at most {@link #TIMEOUT_SECONDS}.
 *
 * <p>It is critical that each test class calls {@link #shutdownAll()} after its tests: the loops are shared
 * within a class, and one left running keeps its descriptors for the next class's checks.
 */
final class AioTestSupport {
    /** How long each wait here waits at most ({@link Loops#TIMEOUT_SECONDS}). */
    static final long TIMEOUT_SECONDS = Loops.TIMEOUT_SECONDS;
    private static final Map<LoopType, IoEventLoopGroup> GROUPS = new EnumMap<>(LoopType.class);

    /** Submits a source (on the loop thread). */
    interface Submit<S> {
        void submit(S source) throws IOException;
    }

    /** Reads a source's result (on the loop thread). */
    interface Result<S> {
        long result(S source) throws IOException;
    }

    private AioTestSupport() {
    }

    /**
     * The explicit engines this machine can run, like {@link LoopType#available()}: {@code IO_URING} needs io_uring,
     * {@code POSIX_AIO} netty-aio's bindings for this platform. One left out is printed with the reason.
     */
    static List<AioEngine> fileEngines() {
        List<AioEngine> out = new ArrayList<>();
        if (ioUringAvailable()) {
            out.add(AioEngine.IO_URING);
        } else {
            System.err.println("netty-aio testsuite: io_uring is not available here; IO_URING files skipped");
        }
        if (Platform.hasAbi()) {
            out.add(AioEngine.POSIX_AIO);
        } else {
            System.err.println("netty-aio testsuite: no POSIX AIO bindings for " + Platform.describe()
                    + "; POSIX_AIO files skipped");
        }
        out.add(AioEngine.BLOCKING);
        return out;
    }

    /** What {@link AioEngine#AUTO} picks on Linux (API.md): IO_URING where io_uring runs, else BLOCKING. */
    static AioEngine linuxAuto() {
        return ioUringAvailable() ? AioEngine.IO_URING : AioEngine.BLOCKING;
    }

    private static boolean ioUringAvailable() {
        try {
            return IoUring.isAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /** The shared loop of {@code type}, made on first use; any thread. */
    static synchronized IoEventLoop loop(LoopType type) {
        return LoopType.loop(GROUPS.computeIfAbsent(type, t -> t.newGroup(1)));
    }

    /** Shuts down every shared loop and waits for them; the test thread. */
    static synchronized void shutdownAll() {
        for (IoEventLoopGroup group : GROUPS.values()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
        GROUPS.clear();
    }

    /** {@code n} random bytes ({@link RoundTrips#random}). */
    static byte[] random(int n) {
        return RoundTrips.random(n);
    }

    /** Runs {@code task} on {@code loop} and returns its result ({@link Loops#onLoop}: bounded, unwrapped). */
    static <T> T onLoop(IoEventLoop loop, Callable<T> task) throws Exception {
        return Loops.onLoop(loop, task);
    }

    /**
     * On the loop: wraps {@code source} in an Aio, submits, and once ready reads the result (checking that
     * the completion runs on the loop thread), then closes the Aio. The returned future carries the result
     * or the source's exception.
     */
    static <S extends AioSource> Future<Long> roundTrip(IoEventLoop loop, S source, Submit<S> submit,
                                                        Result<S> reap, boolean lio) {
        Promise<Long> result = loop.newPromise();
        loop.execute(() -> {
            Aio<S> aio;
            try {
                aio = lio ? Aio.newForLio(loop, source) : Aio.newForAio(loop, source);
                submit.submit(source);
            } catch (Throwable failed) {
                result.setFailure(failed);
                return;
            }
            aio.ready().addListener(ready -> {
                try {
                    if (!loop.inEventLoop()) {
                        throw new AssertionError("completion ran on " + Thread.currentThread().getName());
                    }
                    if (!ready.isSuccess()) {
                        throw ready.cause();
                    }
                    result.setSuccess(reap.result(source));
                } catch (Throwable failed) {
                    result.tryFailure(failed);
                } finally {
                    aio.close();
                }
            });
        });
        return result;
    }

    /**
     * Mounts a 1 MiB tmpfs on a new directory {@code name} under {@code parent} — a real {@code ENOSPC} — and
     * returns it; unmounted by {@code close()}. Skips the calling test (JUnit assumption) where mounting is not
     * permitted (it needs root).
     */
    static TinyTmpfs tinyTmpfs(Path parent, String name) throws Exception {
        return TinyTmpfs.mount(parent, name);
    }

    /** Waits for {@code future} and returns its value ({@link Loops#await}: bounded, the cause unwrapped). */
    static <T> T await(Future<T> future) throws Exception {
        return Loops.await(future);
    }
}

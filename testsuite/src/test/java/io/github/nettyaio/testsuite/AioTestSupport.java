/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.Aio;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.sys.internal.Platform;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Shared loops and the submit → ready → result round trip the integration tests use. */
final class AioTestSupport {
    static final long TIMEOUT_SECONDS = 10;
    private static final Map<LoopType, IoEventLoopGroup> GROUPS = new EnumMap<>(LoopType.class);

    /** Submits a source (on the loop thread). */
    interface Submit<S> {
        void submit(S s) throws IOException;
    }

    /** Reads a source's result (on the loop thread). */
    interface Result<S> {
        long result(S s) throws IOException;
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

    static synchronized IoEventLoop loop(LoopType type) {
        return LoopType.loop(GROUPS.computeIfAbsent(type, t -> t.newGroup(1)));
    }

    static synchronized void shutdownAll() {
        for (IoEventLoopGroup g : GROUPS.values()) {
            g.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
        GROUPS.clear();
    }

    /** {@code n} random bytes. */
    static byte[] random(int n) {
        byte[] b = new byte[n];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static <T> T onLoop(IoEventLoop loop, Callable<T> c) throws Exception {
        try {
            return loop.submit(c).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
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
            } catch (Throwable t) {
                result.setFailure(t);
                return;
            }
            aio.ready().addListener(f -> {
                try {
                    if (!loop.inEventLoop()) {
                        throw new AssertionError("completion ran on " + Thread.currentThread().getName());
                    }
                    if (!f.isSuccess()) {
                        throw f.cause();
                    }
                    result.setSuccess(reap.result(source));
                } catch (Throwable t) {
                    result.tryFailure(t);
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
    static io.github.nettyaio.testing.TinyTmpfs tinyTmpfs(java.nio.file.Path parent, String name)
            throws Exception {
        return io.github.nettyaio.testing.TinyTmpfs.mount(parent, name);
    }

    static <T> T await(Future<T> f) throws Exception {
        if (!f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("future did not complete in " + TIMEOUT_SECONDS + " s: " + f);
        }
        if (!f.isSuccess()) {
            Throwable t = f.cause();
            if (t instanceof Exception) {
                throw (Exception) t;
            }
            throw new AssertionError(t);
        }
        return f.getNow();
    }
}

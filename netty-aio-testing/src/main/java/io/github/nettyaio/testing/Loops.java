/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounded waits on event loops for tests: run a task on a loop and wait for it ({@link #onLoop}), wait for a
 * future ({@link #await}), and check that a future's listeners ran on its loop ({@link #awaitOnLoop}). Every wait
 * ends after {@link #TIMEOUT_SECONDS}; they are meant for the test thread.
 *
 * <p>It is critical not to call these waits on the loop being waited for: its task or future can't complete while
 * the loop's own thread is blocked here, so the wait only ends with its timeout.
 */
public final class Loops {
    /** How long each wait here waits at most. */
    public static final long TIMEOUT_SECONDS = 10;

    private Loops() {
    }

    /**
     * Runs {@code task} on {@code loop} and returns its result; waits on the calling thread.
     *
     * @throws Exception        what {@code task} threw, itself (not wrapped)
     * @throws TimeoutException when the task did not finish within {@link #TIMEOUT_SECONDS}
     */
    public static <T> T onLoop(EventExecutor loop, Callable<T> task) throws Exception {
        try {
            return loop.submit(task).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof Exception) {
                throw (Exception) failed.getCause();
            }
            throw failed;
        }
    }

    /**
     * Waits for {@code future} and returns its value; waits on the calling thread.
     *
     * @throws Exception      the future's cause, itself, when it failed with an exception
     * @throws AssertionError when it did not complete within {@link #TIMEOUT_SECONDS}, or failed with an error
     *                        (the error as cause)
     */
    public static <T> T await(Future<T> future) throws Exception {
        if (!future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("future did not complete in " + TIMEOUT_SECONDS + " s: " + future);
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw new AssertionError(cause);
        }
        return future.getNow();
    }

    /**
     * Waits for {@code future} like {@link #await}, and checks that a listener added to it now runs on
     * {@code loop}, as netty-aio promises for the futures of a loop's files and channels.
     *
     * @throws AssertionError also when the listener ran on another thread, or did not run in time
     */
    public static <T> T awaitOnLoop(EventExecutor loop, Future<T> future) throws Exception {
        AtomicBoolean ranOnLoop = new AtomicBoolean();
        CountDownLatch ran = new CountDownLatch(1);
        future.addListener(done -> {
            ranOnLoop.set(loop.inEventLoop());
            ran.countDown();
        });
        T value = await(future);
        if (!ran.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("the future's listener did not run in " + TIMEOUT_SECONDS + " s: " + future);
        }
        if (!ranOnLoop.get()) {
            throw new AssertionError("completion must run on the event loop " + loop);
        }
        return value;
    }

    /**
     * Shuts {@code group} down at once (no quiet period) and waits until it has terminated; waits on the calling
     * thread, uninterruptibly, at most {@link #TIMEOUT_SECONDS}.
     *
     * @throws AssertionError when the group did not terminate in time
     */
    public static void shutdown(EventExecutorGroup group) {
        if (!group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_SECONDS,
                TimeUnit.SECONDS)) {
            throw new AssertionError("event loop group did not terminate in " + TIMEOUT_SECONDS + " s: " + group);
        }
    }
}

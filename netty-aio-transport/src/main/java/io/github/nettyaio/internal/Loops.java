/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.netty.util.concurrent.EventExecutor;

/** Internal API. Facts about event loops that Netty's interfaces don't state. */
public final class Loops {
    /** A thread that is never any loop's: no executor with a thread of its own counts it as in its loop. */
    private static final Thread NOBODY = new Thread(() -> { }, "netty-aio-nobody");

    private Loops() {
    }

    /**
     * Whether {@code loop} has no thread of its own, as an {@code EmbeddedChannel}'s loop: it says every thread
     * is in it, runs its tasks only when its owner asks ({@code runPendingTasks()}), and its task queue is not
     * thread-safe, so no other thread may hand it a task. Work for such a loop is done on the calling thread.
     */
    public static boolean isThreadless(EventExecutor loop) {
        return loop.inEventLoop(NOBODY);
    }
}

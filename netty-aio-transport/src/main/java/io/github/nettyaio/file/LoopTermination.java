/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FutureListener;

/**
 * Listens for an event loop's termination where the loop can terminate: an {@code EmbeddedChannel}'s loop
 * never does, and its {@code terminationFuture()} throws {@link UnsupportedOperationException}. Listeners run on
 * the thread the termination future notifies from, never on the terminated loop.
 */
final class LoopTermination {
    private LoopTermination() {
    }

    /** Runs {@code listener} once {@code loop} has terminated; nothing for a loop that never terminates. */
    static void listen(EventExecutor loop, FutureListener<Object> listener) {
        try {
            loop.terminationFuture().addListener(listener);
        } catch (UnsupportedOperationException neverTerminates) {
            // EmbeddedEventLoop
        }
    }

    /** Undoes {@link #listen}. */
    static void unlisten(EventExecutor loop, FutureListener<Object> listener) {
        try {
            loop.terminationFuture().removeListener(listener);
        } catch (UnsupportedOperationException neverTerminates) {
            // EmbeddedEventLoop
        }
    }
}

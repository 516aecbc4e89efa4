/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded waits of {@link Loops} on each {@link LoopKind} this machine runs, and how they fail. */
class LoopsTest {
    static List<LoopKind> kinds() {
        return LoopKind.available(skipped -> System.err.println("LoopsTest: " + skipped + " not available here"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void onLoopRunsOnTheLoopAndRethrowsTheTasksException(LoopKind kind) throws Exception {
        IoEventLoopGroup group = kind.newGroup(1);
        try {
            IoEventLoop loop = LoopKind.loop(group);
            assertTrue(Loops.onLoop(loop, () -> loop.inEventLoop()));
            IOException thrown = new IOException("from the task");
            assertSame(thrown, assertThrows(IOException.class, () -> Loops.onLoop(loop, () -> {
                throw thrown;
            })));
        } finally {
            Loops.shutdown(group);
        }
        assertTrue(group.isTerminated());
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void awaitOnLoopChecksTheListenersThread(LoopKind kind) throws Exception {
        IoEventLoopGroup group = kind.newGroup(1);
        try {
            IoEventLoop loop = LoopKind.loop(group);
            Promise<String> onLoop = loop.newPromise();
            loop.execute(() -> onLoop.setSuccess("done"));
            assertEquals("done", Loops.awaitOnLoop(loop, onLoop));

            Promise<String> elsewhere = GlobalEventExecutor.INSTANCE.newPromise();
            elsewhere.setSuccess("done");
            assertThrows(AssertionError.class, () -> Loops.awaitOnLoop(loop, elsewhere),
                    "a listener run on the test thread is not on the loop");
        } finally {
            Loops.shutdown(group);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void awaitReturnsTheValueAndRethrowsTheCause(LoopKind kind) throws Exception {
        IoEventLoopGroup group = kind.newGroup(1);
        try {
            IoEventLoop loop = LoopKind.loop(group);
            assertEquals(42, Loops.await(loop.submit(() -> 42)));
            IOException cause = new IOException("failed");
            assertSame(cause, assertThrows(IOException.class,
                    () -> Loops.await(loop.newFailedFuture(cause))));
            AssertionError wrapped = assertThrows(AssertionError.class,
                    () -> Loops.await(loop.newFailedFuture(new StackOverflowError())));
            assertTrue(wrapped.getCause() instanceof StackOverflowError);
        } finally {
            Loops.shutdown(group);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void availableKindsAreAvailable(LoopKind kind) {
        assertTrue(kind.isAvailable());
        assertFalse(LoopKind.available(skipped -> { }).isEmpty());
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Moves a file operation's completion (which arrives on the file's loop) to the executor that owns a handler's
 * state (the channel's loop), which may be a different thread.
 *
 * <p>The continuation runs on the owner; if the owner has shut down, the orphan callback runs on the completing
 * thread instead. It fails nothing itself. It is critical that an orphan callback only releases resources and
 * completes promises: the owner's state is no longer guarded by its thread.
 */
final class LoopHop {
    private LoopHop() {
    }

    /**
     * When {@code f} completes, runs {@code then} on {@code owner}: directly when the completion already runs
     * there, else through {@code owner.execute}. When {@code owner} has shut down (the task is rejected),
     * {@code orphan} runs instead, on the completing thread: it must only release resources, as nothing else
     * will ever run on {@code owner} again.
     */
    static <T> void whenDone(Future<T> f, EventExecutor owner, Consumer<Future<T>> then,
                             Consumer<Future<T>> orphan) {
        f.addListener(done -> {
            if (owner.inEventLoop()) {
                then.accept(f);
                return;
            }
            try {
                owner.execute(() -> then.accept(f));
            } catch (RejectedExecutionException e) {
                orphan.accept(f);
            }
        });
    }
}

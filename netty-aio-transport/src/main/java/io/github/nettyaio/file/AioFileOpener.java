/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.LoopPromise;
import io.github.nettyaio.internal.Loops;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens {@link AioFile}s: checks the options, opens the descriptor, picks the engine through {@link FileEngines}
 * and sets it up on the loop's thread where it must be. {@link #open} runs on the calling thread;
 * {@link #openAsync} opens on netty-aio's blocking pool (on the calling thread for a threadless loop) and
 * completes in a task of the loop. It is critical that a file opened for a future nobody takes any more (cancelled,
 * or its loop gone) is closed here: no one else holds it.
 */
final class AioFileOpener {
    // Logged under AioFile, the class users configure logging for.
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFile.class);

    private AioFileOpener() {
    }

    /** {@link AioFile#open(EventLoop, Path, AioEngine, OpenOption...)}. */
    static AioFile open(EventLoop loop, Path path, AioEngine engine, OpenOption... options) throws IOException {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(engine, "engine");
        FileErrors.checkOpenOptions(options);
        AioEngine kind = FileEngines.resolve(engine, loop);
        PosixFileDescriptor fd = PosixFiles.openPositional(path, options);
        try {
            FileEngine e = createOnLoop(kind, loop, fd.isDirect());
            logger.debug("{} uses the {} engine on {}", path, e.kind(), loop);
            return new AioFile(loop, fd, e);
        } catch (IOException | RuntimeException | Error e) {
            try {
                fd.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@link AioFile#openAsync(EventLoop, Path, AioEngine, OpenOption...)}. */
    static Future<AioFile> openAsync(EventLoop loop, Path path, AioEngine engine, OpenOption... options) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(engine, "engine");
        OpenOption[] opts = options.clone();
        for (OpenOption o : opts) {
            Objects.requireNonNull(o, "option");
        }
        Promise<AioFile> promise = new LoopPromise<>(loop);
        if (Loops.isThreadless(loop)) {
            // An EmbeddedChannel's loop takes tasks from its own user only: open here, complete in its next task.
            openAndComplete(loop, promise, path, engine, opts);
            return promise;
        }
        try {
            BlockingFileEngine.execute(() -> {
                if (promise.isDone()) {
                    return; // cancelled before it started
                }
                openAndComplete(loop, promise, path, engine, opts);
            });
        } catch (RejectedExecutionException e) {
            promise.tryFailure(new IOException("netty-aio's blocking pool rejected open(" + path + ")", e));
        }
        return promise;
    }

    private static void openAndComplete(EventLoop loop, Promise<AioFile> promise, Path path, AioEngine engine,
                                        OpenOption[] options) {
        AioFile file;
        try {
            file = open(loop, path, engine, options);
        } catch (Throwable t) {
            completeOnLoop(loop, promise, null, t);
            return;
        }
        completeOnLoop(loop, promise, file, null);
    }

    /**
     * Completes {@code promise} of {@link #openAsync} with {@code file} (or {@code failure}) in a task of
     * {@code loop}. If the loop rejects the task, or terminates without running it (a task queued during its last
     * moments is dropped), the promise fails instead and {@code file} is closed.
     */
    private static void completeOnLoop(EventLoop loop, Promise<AioFile> promise, AioFile file, Throwable failure) {
        FutureListener<Object> terminated = t -> failOpen(promise, file, failure, null);
        Runnable complete = () -> {
            LoopTermination.unlisten(loop, terminated);
            if (failure != null) {
                promise.tryFailure(failure);
            } else if (!promise.trySuccess(file)) {
                file.closeAsync(); // cancelled meanwhile
            }
        };
        LoopTermination.listen(loop, terminated);
        try {
            loop.execute(complete);
        } catch (RejectedExecutionException e) {
            LoopTermination.unlisten(loop, terminated);
            failOpen(promise, file, failure, e);
        }
    }

    /** {@code promise}'s loop is gone: fails it ({@code failure}, else an IOException) and closes {@code file}. */
    private static void failOpen(Promise<AioFile> promise, AioFile file, Throwable failure, Throwable why) {
        if (failure != null) {
            promise.tryFailure(failure);
            return;
        }
        if (promise.isSuccess()) {
            return; // handed over
        }
        // Not handed over (failing now, or cancelled before): close first (at once, the loop being gone) so that
        // whoever sees the future fail sees the descriptor closed.
        file.closeAsync();
        promise.tryFailure(file.errors().shutDownWhileOpening(file.executor(), why));
    }

    /** Creates the engine on {@code loop}'s thread, or on this one where {@link FileEngines} allows it. */
    private static FileEngine createOnLoop(AioEngine kind, EventLoop loop, boolean oDirect) throws IOException {
        if (loop.inEventLoop()) {
            return FileEngines.create(kind, loop, oDirect);
        }
        if (FileEngines.createsOnAnyThread(kind, loop)) {
            if (loop.isShuttingDown()) {
                throw FileErrors.loopShutDown(loop, null);
            }
            try {
                return FileEngines.create(kind, loop, oDirect);
            } catch (RejectedExecutionException e) {
                throw FileErrors.loopShutDown(loop, e);
            }
        }
        try {
            return loop.submit(() -> FileEngines.create(kind, loop, oDirect)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        } catch (RejectedExecutionException e) {
            throw FileErrors.loopShutDown(loop, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting up the engine", e);
        } catch (TimeoutException e) {
            throw new IOException("event loop " + loop + " did not set up the engine in time", e);
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioFile;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The graceful close of a connected {@link AioFileChannel}: drains it (a writing channel writes everything
 * written before {@code close()}, a reading one waits for its reads in flight), {@code fsync}s a writing
 * channel's file, closes the file, and only then lets Netty close the channel; {@code close()} calls made while
 * it drains complete with the first one's outcome.
 *
 * <p>Runs on the channel's event loop; once that loop is gone the close still completes, without waiting for
 * the file. The close promise fails with the first write, {@code fsync} or {@code close} error (later ones
 * suppressed); the channel is closed regardless.
 *
 * <p>It is critical that the file is closed only once nothing is in flight on it: {@link #maybeFinishClose()}
 * is called again by every completion while the channel is closing, and finishes only after the last one.
 */
final class AioFileChannelCloser {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileChannelCloser.class);

    private final AioFileChannel channel;
    private final AioFileChannelReader reader;
    private final AioFileChannelWriter writer;
    /** Closes the channel for the close that drains, once drained; null when no close drains. */
    private Runnable pendingClose;
    /** Promises of close() calls made while a close drained: they complete with that close's outcome. */
    private List<ChannelPromise> laterClosePromises;
    private boolean finishingClose;
    private boolean fileClosed;
    private Throwable closeError;

    AioFileChannelCloser(AioFileChannel channel, AioFileChannelReader reader, AioFileChannelWriter writer) {
        this.channel = channel;
        this.reader = reader;
        this.writer = writer;
    }

    /**
     * Starts draining the channel (now closing); {@code closeNow} closes it once drained. What was written
     * before {@code close()} is flushed and written too; a reading channel drops its read-ahead.
     */
    void drain(Runnable closeNow) {
        pendingClose = closeNow;
        if (channel.localAddress().isWrite()) {
            ChannelOutboundBuffer in = channel.unsafe().outboundBuffer();
            if (in != null) {
                in.addFlush(); // what was written before close() is written too
                try {
                    writer.issueWrites(in);
                } catch (Throwable t) {
                    recordCloseError(t);
                    writer.failWrites(in, t);
                }
            }
        } else {
            reader.dropWindow();
        }
        maybeFinishClose();
    }

    /** A {@code close()} made while a close drains: {@code promise} completes with that close's outcome. */
    void addLaterPromise(ChannelPromise promise) {
        if (laterClosePromises == null) {
            laterClosePromises = new ArrayList<>(2);
        }
        laterClosePromises.add(promise);
    }

    /**
     * The graceful part of a close, once nothing is in flight any more: {@code fsync} (writing channel, unless a
     * write failed), close the file, then run the pending close. Does nothing unless the channel is closing.
     */
    void maybeFinishClose() {
        if (!channel.isClosing() || finishingClose) {
            return;
        }
        boolean write = channel.localAddress().isWrite();
        if (write) {
            ChannelOutboundBuffer in = channel.unsafe().outboundBuffer();
            if (writer.isWriting() || (in != null && !in.isEmpty())) {
                return;
            }
        } else if (reader.readsInFlight() > 0) {
            return;
        }
        finishingClose = true;
        Throwable writeFailure = writer.failure();
        if (write && writeFailure == null) {
            channel.file().sync().addListener(synced -> {
                if (!synced.isSuccess()) {
                    recordCloseError(synced.cause());
                }
                closeFileThenChannel();
            });
        } else {
            if (writeFailure != null) {
                recordCloseError(writeFailure);
            }
            closeFileThenChannel();
        }
    }

    private void closeFileThenChannel() {
        Future<Void> closed = closeFile();
        if (closed == null || !channel.eventLoop().inEventLoop()) {
            // Once the loop is gone the file may never close (AioFile keeps the descriptor of an operation whose
            // completion can't be observed any more): the channel does not wait for it.
            runPendingClose();
            return;
        }
        closed.addListener(done -> {
            if (!done.isSuccess()) {
                recordCloseError(done.cause());
            }
            runPendingClose();
        });
    }

    /** Closes the channel's file unless closed already (or never opened): its close future, or null. */
    Future<Void> closeFile() {
        AioFile file = channel.file();
        if (file == null || fileClosed) {
            return null;
        }
        fileClosed = true;
        return file.closeAsync();
    }

    /** Keeps {@code t} as the close's error (the first one; later ones are suppressed into it). */
    void recordCloseError(Throwable t) {
        if (closeError == null) {
            closeError = t;
        } else if (closeError != t) {
            closeError.addSuppressed(t);
        }
    }

    /** The close's error, or null; cleared, so that it is thrown once. */
    Throwable takeCloseError() {
        Throwable error = closeError;
        closeError = null;
        return error;
    }

    /** Whether a drained close still has to close the channel. */
    boolean hasPendingClose() {
        return pendingClose != null;
    }

    /** Closes the channel for the close that drained, once. */
    void runPendingClose() {
        Runnable close = pendingClose;
        pendingClose = null;
        if (close == null) {
            return;
        }
        if (channel.eventLoop().inEventLoop()) {
            close.run();
            return;
        }
        // The loop is gone: close anyway, so that the close future completes (and its waiters wake up); the
        // events that need the loop are dropped (logged by Netty).
        try {
            close.run();
        } catch (Throwable t) {
            logger.debug("{}: closed after its event loop shut down", channel, t);
        }
    }

    /** Completes the promises of the {@code close()} calls made while the close drained like {@code first}. */
    void completeLaterPromises(ChannelFuture first) {
        List<ChannelPromise> later = laterClosePromises;
        laterClosePromises = null;
        if (later != null) {
            for (ChannelPromise promise : later) {
                propagate(first, promise);
            }
        }
    }

    /** Completes {@code to} like {@code from}: at once when done (no listener, which a dead loop can't run). */
    static void propagate(ChannelFuture from, ChannelPromise to) {
        if (from.isDone()) {
            copyOutcome(from, to);
        } else {
            from.addListener(done -> copyOutcome(from, to));
        }
    }

    private static void copyOutcome(ChannelFuture from, ChannelPromise to) {
        if (from.isSuccess()) {
            to.trySuccess();
        } else {
            to.tryFailure(from.cause());
        }
    }
}

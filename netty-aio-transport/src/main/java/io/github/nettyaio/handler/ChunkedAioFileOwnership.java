/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioFile;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The file of a {@link ChunkedAioFile} that owns it ({@code open}, {@code openAsync}, {@code owning}): opens it
 * without blocking the caller, closes it exactly once (at the end of the region, when the input is closed, or when
 * the channel closes), and completes the future of {@code openAsync}.
 *
 * <p>The open's completion runs on the channel's event loop ({@link LoopHop}); {@link #releaseFile()} may run on
 * any thread. A failed open is kept as the input's failure, which {@code readChunk} throws, and fails the future
 * of {@code openAsync}.
 *
 * <p>It is critical that a file whose open completes after the input was closed, or after the channel's loop is
 * gone, is closed here: nothing else will ever see it.
 */
final class ChunkedAioFileOwnership {
    private static final AtomicIntegerFieldUpdater<ChunkedAioFileOwnership> FILE_CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(ChunkedAioFileOwnership.class, "fileClosed");

    private final ChunkedAioFile input;
    /** Closes the input (and its file) when the channel closes; removed once there is nothing to close. */
    private final ChannelFutureListener closeWithChannel;
    /** The open of an input of {@code open} (cancelled when the input is closed before it completes); or null. */
    private volatile Future<AioFile> opening;
    /** The future of {@code openAsync}, completed once the open has; or null. */
    final Promise<ChunkedAioFile> opened;
    /** Set to 1 by the one call that closes the file. */
    private volatile int fileClosed;

    /** Ownership of the file of {@code input}; {@code opened} is the future of {@code openAsync}, or null. */
    ChunkedAioFileOwnership(ChunkedAioFile input, Promise<ChunkedAioFile> opened) {
        this.input = input;
        this.opened = opened;
        this.closeWithChannel = closeFuture -> input.close();
        if (opened != null) {
            opened.addListener(done -> {
                if (done.isCancelled()) {
                    input.close();
                }
            });
        }
    }

    /**
     * A new input over the file at {@code path} that owns it, its open started; with the future of
     * {@code openAsync} when {@code future}.
     */
    static ChunkedAioFile start(Channel channel, Path path, long offset, long length, int chunkSize,
                                boolean future) {
        Objects.requireNonNull(path, "path");
        Promise<ChunkedAioFile> opened = future ? Objects.requireNonNull(channel, "channel").eventLoop().newPromise()
                : null;
        ChunkedAioFile in = new ChunkedAioFile(channel, null, path, offset, length, chunkSize,
                ChunkedAioFile.DEFAULT_READ_AHEAD, true, opened);
        in.ownership.watchChannel();
        in.ownership.startOpen();
        return in;
    }

    /** A new input that takes {@code file} over ({@link ChunkedAioFile#owning}). */
    static ChunkedAioFile owning(Channel channel, AioFile file, long offset, long length, int chunkSize) {
        ChunkedAioFile in = new ChunkedAioFile(channel, Objects.requireNonNull(file, "file"), null, offset,
                ChunkedAioFileReader.checkLength(length), chunkSize, ChunkedAioFile.DEFAULT_READ_AHEAD, true, null);
        in.ownership.watchChannel();
        if (length == 0) {
            in.ownership.releaseFile();      // nothing to read
        }
        return in;
    }

    /** An owning input closes itself (and its file) when the channel closes. */
    void watchChannel() {
        input.channel.closeFuture().addListener(closeWithChannel);
    }

    /** Starts opening the file at the input's path for reading on the channel's loop. */
    void startOpen() {
        if (input.closed.get()) {
            return;                          // the channel was closed already
        }
        Future<AioFile> open;
        try {
            open = AioFile.openAsync(input.owner, input.path, StandardOpenOption.READ);
        } catch (RuntimeException e) {
            open = input.owner.newFailedFuture(e);
        }
        opening = open;
        LoopHop.whenDone(open, input.owner, this::onOpened, done -> {
            if (done.isSuccess()) {
                done.getNow().closeAsync(); // the channel's loop is gone: nothing will read it
            }
        });
    }

    /** On the channel's loop: the open completed (or failed, or was cancelled). */
    private void onOpened(Future<AioFile> done) {
        opening = null;
        Promise<ChunkedAioFile> future = opened;
        if (input.closed.get()) {
            if (done.isSuccess()) {
                done.getNow().closeAsync();     // closed before the open completed; never assigned to file
            }
            return;                          // readChunk throws ClosedChannelException; closed() failed `opened`
        }
        if (done.isSuccess()) {
            AioFile open = done.getNow();
            try {
                if (input.endOffset == ChunkedAioFile.UNKNOWN) {
                    input.endOffset = input.startOffset + open.size();
                }
                input.oDirect = ChunkedAioFileReader.isOpenWithODirect(open);
                input.file = open;
                input.ready = true;
            } catch (IOException | RuntimeException e) {
                open.closeAsync();
                input.failure = e;
            }
        } else {
            input.failure = done.cause();
        }
        if (input.failure != null) {
            removeChannelWatch();            // nothing to close any more
        } else if (input.endOffset == input.startOffset) {
            releaseFile();                   // an empty region: nothing to read
        }
        input.reader.opened();
        if (future != null) {
            if (input.failure != null) {
                future.tryFailure(input.failure);
            } else if (!future.trySuccess(input)) {
                input.close();               // cancelled meanwhile
            }
        }
    }

    /** Closes the file, once; and stops watching the channel, as there is nothing left to close. Any thread. */
    void releaseFile() {
        AioFile open = input.file;
        if (open != null && FILE_CLOSED.compareAndSet(this, 0, 1)) {
            open.closeAsync();
            removeChannelWatch();
        }
    }

    private void removeChannelWatch() {
        input.channel.closeFuture().removeListener(closeWithChannel);
    }

    /**
     * The input closed (its reads were dropped before): cancels the open (which then closes the file, or
     * {@link #onOpened} does), closes the file, and fails the future of {@code openAsync}.
     */
    void closed() {
        Future<AioFile> open = opening;
        if (open != null) {
            open.cancel(false);
        }
        releaseFile();                       // after its reads were dropped; they complete before the close(2)
        removeChannelWatch();
        Promise<ChunkedAioFile> future = opened;
        if (future != null) {
            future.tryFailure(new ClosedChannelException());
        }
    }
}

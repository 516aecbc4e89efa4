/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.github.nettyaio.internal.ReadAheadWindow;
import io.github.nettyaio.internal.ReadAheadWindow.Read;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The chunk reading of a {@link ChunkedAioFile}: keeps up to {@code readAhead} reads of {@code chunkSize} bytes
 * in flight in a {@link ReadAheadWindow}, hands the chunks out in file order and resumes the suspended transfer
 * ({@link ChunkedWriteHandler#resumeTransfer()}) when the chunk it waits for has been read.
 *
 * <p>Runs on the channel's event loop (the input's owner): the file's completions are moved there
 * ({@link LoopHop}); once that loop is gone, a completion only releases its buffer. A failed read is kept and
 * thrown by the {@link #readChunk} that reaches it, and by every later one.
 *
 * <p>It is critical that a completion never resumes the transfer from inside {@link #readChunk} (or a
 * {@code prefetch}): {@code ChunkedWriteHandler} would be re-entered while it is asking for a chunk.
 */
final class ChunkedAioFileReader {
    private static final int O_DIRECT_ALIGNMENT = AlignedBuffers.DIRECT_ALIGNMENT;

    private final ChunkedAioFile input;
    /**
     * Reads issued and chunks read, in file order; only touched on the input's loop (or, once it has terminated,
     * by the one close that wins {@link ChunkedAioFile#closed}).
     */
    private final ReadAheadWindow window = new ReadAheadWindow();
    /** Where the next read starts. */
    private long nextReadOffset;
    /** {@link #readChunk} returned null for lack of a completed chunk: the next head completion resumes. */
    private boolean waiting;
    /** Inside {@link #readChunk}: a completion delivered inline must not resume the transfer re-entrantly. */
    private boolean inReadChunk;
    /** {@link #fillTask} is queued on the input's loop. */
    private boolean fillScheduled;
    private final Runnable fillTask = () -> {
        fillScheduled = false;
        fillReadAhead();
    };
    /** Completed once the first chunk is read (or can't be): see {@link ChunkedAioFile#prefetch()}; or null. */
    private Promise<Void> firstChunk;

    ChunkedAioFileReader(ChunkedAioFile input, long startOffset) {
        this.input = input;
        this.nextReadOffset = startOffset;
    }

    /**
     * Checks the region an input reads: {@code length} bytes ({@link ChunkedAioFile#UNKNOWN} for an input of
     * {@code open} without one) of {@code file} (null for an input of {@code open}) from {@code offset}. Returns
     * whether {@code file} is open with O_DIRECT.
     *
     * @throws IllegalArgumentException a negative or overflowing region, a chunk size or read-ahead that is not
     *                                  positive, or an O_DIRECT file with an unaligned offset or chunk size
     */
    static boolean checkRegion(AioFile file, long offset, long length, int chunkSize, int readAhead) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset: " + offset);
        }
        if (length != ChunkedAioFile.UNKNOWN && offset + length < 0) {
            throw new IllegalArgumentException("offset + length overflows: " + offset + " + " + length);
        }
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
        }
        if (readAhead <= 0) {
            throw new IllegalArgumentException("readAhead must be positive: " + readAhead);
        }
        if (file != null) {
            boolean oDirect = isOpenWithODirect(file);
            if (oDirect && (offset % O_DIRECT_ALIGNMENT != 0 || chunkSize % O_DIRECT_ALIGNMENT != 0)) {
                throw new IllegalArgumentException(file + " is open with O_DIRECT: offset (" + offset
                        + ") and chunkSize (" + chunkSize + ") must be multiples of " + O_DIRECT_ALIGNMENT);
            }
            return oDirect;
        }
        return false;
    }


    /** Returns {@code length} if it is not negative. */
    static long checkLength(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
        return length;
    }

    /** Whether {@code file} is open with O_DIRECT. */
    static boolean isOpenWithODirect(AioFile file) {
        return file.fd() instanceof PosixFileDescriptor && ((PosixFileDescriptor) file.fd()).isDirect();
    }

    /** The next chunk, null when it is not read yet or at the end ({@link ChunkedAioFile#readChunk}). */
    ByteBuf readChunk() throws Exception {
        if (input.failure != null) {
            throw asException(input.failure);
        }
        if (input.closed.get()) {
            if (input.isEndOfInput()) {
                return null;                 // nothing was cut off
            }
            throw new ClosedChannelException();
        }
        if (!input.ready) {
            waiting = true;                  // the open's completion resumes the transfer (or fails it)
            return null;
        }
        inReadChunk = true;
        try {
            if (!fillScheduled) {
                fillReadAhead();             // else the scheduled refill issues the reads, after this round
            }
            Read head = window.peek();
            if (head == null) {
                if (nextReadOffset < input.endOffset) {
                    waiting = true;          // the scheduled refill's first read resumes the transfer
                } else {
                    releaseFile();     // end of input
                }
                return null;
            }
            if (!head.isDone()) {
                waiting = true;
                return null;
            }
            window.poll();
            if (head.cause() != null) {
                input.failure = head.cause();
                throw asException(input.failure);
            }
            ByteBuf chunk = head.take();
            input.progress += chunk.readableBytes();
            if (input.startOffset + input.progress == input.endOffset) {
                releaseFile();         // the last chunk: no read is left in flight
            } else {
                scheduleFill();
            }
            return chunk;
        } finally {
            inReadChunk = false;
        }
    }

    /** Closes the file if the input owns it. */
    private void releaseFile() {
        if (input.ownership != null) {
            input.ownership.releaseFile();
        }
    }

    private static Exception asException(Throwable t) {
        if (t instanceof Exception) {
            return (Exception) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new IOException(t);
    }

    /** Starts reading ahead ({@link ChunkedAioFile#prefetch()}); the future succeeds once the first chunk is in. */
    Future<Void> prefetch() {
        if (firstChunk == null) {
            firstChunk = input.owner.newPromise();
            if (!input.ready) {
                if (input.failure != null || input.closed.get()) {
                    firstChunk.trySuccess(null);
                }
                return firstChunk;           // else the open's completion starts reading and completes it
            }
            boolean nested = inReadChunk;
            inReadChunk = true;              // a completion delivered inline must not resume the transfer here
            try {
                if (!fillScheduled) {
                    fillReadAhead();
                }
            } catch (Throwable t) {
                // e.g. no memory for a chunk: readChunk tries again and throws it, where the write can fail.
                firstChunk.trySuccess(null);
            } finally {
                inReadChunk = nested;
            }
            Read head = window.peek();
            if (head == null && nextReadOffset >= input.endOffset || head != null && head.isDone()
                    || input.closed.get()) {
                firstChunk.trySuccess(null);
            }
        }
        return firstChunk;
    }

    /**
     * The open of an input of {@code open} completed ({@link ChunkedAioFile#ready} if it succeeded, else with
     * {@link ChunkedAioFile#failure}): starts reading if a chunk is awaited, and resumes the transfer or
     * completes {@link #firstChunk} once a chunk (or the failure) is ready.
     */
    void opened() {
        boolean readyNow = true;
        if (input.ready && (firstChunk != null || waiting)) {
            boolean nested = inReadChunk;
            inReadChunk = true;              // a completion delivered inline must not resume the transfer here
            try {
                fillReadAhead();
                Read head = window.peek();
                readyNow = head == null || head.isDone();
            } catch (Throwable t) {
                // e.g. no memory for a chunk: readChunk tries again and throws it, where the write can fail.
            } finally {
                inReadChunk = nested;
            }
        }
        if (readyNow) {
            Promise<Void> first = firstChunk;
            if (first != null) {
                first.trySuccess(null);
            }
            if (waiting) {
                waiting = false;
                resume();
            }
        }
    }

    /**
     * Refills the read-ahead once the current round of the loop has queued its socket writes: the chunk just
     * handed out (and those of other channels on the loop) are then sent before the next reads are issued, so a
     * loop submitting many sends and reads at once sends first.
     */
    private void scheduleFill() {
        if (!fillScheduled) {
            fillScheduled = true;
            try {
                input.owner.execute(fillTask);
            } catch (RejectedExecutionException e) {
                fillScheduled = false;       // the loop is going: no more reads; a later readChunk refills inline
            }
        }
    }

    /** Issues reads until {@code readAhead} chunks are in flight or held, or the region is covered. */
    private void fillReadAhead() {
        ChunkedAioFile in = input;
        while (in.ready && !in.closed.get() && window.size() < in.readAhead && nextReadOffset < in.endOffset) {
            int length = (int) Math.min(in.chunkSize, in.endOffset - nextReadOffset);
            long position = nextReadOffset;
            nextReadOffset += length;
            Read read = window.append(newBuffer(length), position, length);
            Future<Integer> pending = in.file.readFully(read.buffer(), position);
            window.issued(read, pending);
            LoopHop.whenDone(pending, in.owner, done -> onRead(read, done), done -> read.release());
        }
    }

    /**
     * A direct buffer from the channel's allocator for a chunk of {@code length} bytes: exactly that, or for an
     * O_DIRECT file that rounded up to whole blocks, at an aligned address (the read of the last chunk then asks
     * for whole blocks and the surplus is cut off).
     */
    private ByteBuf newBuffer(int length) {
        if (!input.oDirect) {
            return input.channel.alloc().directBuffer(length, length);
        }
        int aligned = (length + O_DIRECT_ALIGNMENT - 1) & -O_DIRECT_ALIGNMENT;
        return AlignedBuffers.allocate(input.channel.alloc(), O_DIRECT_ALIGNMENT, aligned);
    }

    /** On the channel's loop: a read completed (successfully, failed or cancelled). */
    private void onRead(Read read, Future<Integer> done) {
        if (!window.complete(read, done)) {
            return;                          // dropped: its buffer was released
        }
        if (read.cause() == null) {
            int got = read.result();
            int expected = read.length();
            if (got > expected) {              // O_DIRECT: whole blocks were read past the region's end
                read.buffer().writerIndex(read.buffer().readerIndex() + expected);
            } else if (got != expected) {
                read.fail(new EOFException(input.file + " ends before offset " + (read.position() + expected)
                        + ": read " + Math.max(got, 0) + " of " + expected + " bytes at offset " + read.position()
                        + " (the region is [" + input.startOffset + ", " + input.endOffset + "))"));
            }
        }
        if (window.peek() != read) {
            return;
        }
        if (firstChunk != null) {
            firstChunk.trySuccess(null);
        }
        if (waiting && !inReadChunk) {
            waiting = false;
            resume();
        }
    }

    /** Resumes the transfer suspended on the input: its channel's first {@code ChunkedWriteHandler}, or a flush. */
    void resume() {
        ChunkedWriteHandler handler = input.channel.pipeline().get(ChunkedWriteHandler.class);
        if (handler != null) {
            handler.resumeTransfer();
        } else {
            input.channel.flush();
        }
    }

    /**
     * The input's loop rejects tasks: it is shutting down, but may still run the tasks it holds (and close the
     * input itself, e.g. through {@code ChunkedWriteHandler} as it closes the channel), so the state is not ours
     * to touch until it has terminated. Then nothing runs there any more: close from here (a no-op if the loop
     * closed first). Reads still in flight release their buffers themselves, on the file's loop.
     */
    void closeOnceTerminated() {
        if (input.owner.isTerminated()) {
            close();
        } else {
            input.owner.terminationFuture().addListener(terminated -> close());
        }
    }

    /**
     * Closes the input, on its loop or once that has terminated; only the first call acts. Drops the window
     * (chunks read are released now, reads in flight are cancelled and release their buffers when they complete),
     * then lets the ownership close the file, and resumes a transfer suspended on the input.
     */
    void close() {
        if (!input.closed.compareAndSet(false, true)) {
            return;
        }
        boolean resume = waiting;
        waiting = false;
        window.dropAll();
        if (input.ownership != null) {
            input.ownership.closed();        // after the reads were dropped; they complete before the close(2)
        }
        Promise<Void> first = firstChunk;
        if (first != null) {
            first.trySuccess(null);          // after the reads: its listeners find the input closed
        }
        if (resume) {
            // The transfer is suspended on this input: resume it so that readChunk fails it. Not inline: when
            // ChunkedWriteHandler itself closes (on a failed write, or discarding on channelInactive), re-entering
            // it would fail the promise with our ClosedChannelException instead of its own cause.
            try {
                input.owner.execute(this::resume);
            } catch (RejectedExecutionException e) {
                // The loop is going: it closes the channel, and ChunkedWriteHandler fails the write (not ended).
            }
        }
    }
}

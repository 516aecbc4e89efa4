/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;

import java.util.ArrayDeque;

/**
 * Not API: the reads a file reader keeps ahead of its consumer, in file order, each into its own buffer, whether
 * in flight or completed and not taken yet; reads may complete in any order, the consumer takes them from the head.
 * Used by {@code AioFileChannel} and {@code ChunkedAioFile}, which issue the reads and wire their completions.
 *
 * <p>Not thread-safe: every method runs on the thread that owns the reader (its event loop), including
 * {@link #complete}. Nothing here fails; a read's failure is recorded in its {@link Read#cause()}.
 *
 * <p>It is critical that the buffer of a read still in flight is never released before its completion, as the
 * kernel may still write into it: {@link #dropAll()} therefore only marks such reads, and {@link #complete}
 * releases their buffers when their completions arrive.
 */
public final class ReadAheadWindow {
    private final ArrayDeque<Read> reads = new ArrayDeque<>();
    private int inFlight;

    /** Reads in the window: in flight, or completed and not taken. */
    public int size() {
        return reads.size();
    }

    /** Whether the window holds no read. */
    public boolean isEmpty() {
        return reads.isEmpty();
    }

    /** Reads issued whose completion has not been {@linkplain #complete reported} yet, dropped ones included. */
    public int inFlight() {
        return inFlight;
    }

    /** The read next in file order, or null. */
    public Read peek() {
        return reads.peek();
    }

    /** Removes and returns the read next in file order, or null; the caller then owns its buffer. */
    public Read poll() {
        return reads.poll();
    }

    /**
     * Appends a read of {@code length} bytes at {@code position} into {@code buffer} (which the window then
     * holds), to be {@linkplain #issued issued} by the caller.
     */
    public Read append(ByteBuf buffer, long position, int length) {
        Read read = new Read(buffer, position, length, 0, false);
        reads.add(read);
        return read;
    }

    /**
     * Puts at the head a read that continues a short read: {@code length} bytes at {@code position}, of which the
     * first {@code skip} were delivered already; to be {@linkplain #issued issued} by the caller.
     */
    public Read prependContinuation(ByteBuf buffer, long position, int length, int skip) {
        Read read = new Read(buffer, position, length, skip, true);
        reads.addFirst(read);
        return read;
    }

    /**
     * Records that {@code read} is in flight as {@code future}; call before wiring its completion to
     * {@link #complete}, which may then run at once.
     */
    public void issued(Read read, Future<Integer> future) {
        read.future = future;
        inFlight++;
    }

    /**
     * Records the completion of {@code read}. Returns true when the read is still in the window, now
     * {@linkplain Read#isDone() done} with its byte count or its cause (a failed read's buffer is released at
     * once); false when it was dropped, its buffer then released.
     */
    public boolean complete(Read read, Future<Integer> future) {
        inFlight--;
        if (read.dropped) {
            read.release();
            return false;
        }
        read.done = true;
        if (future.isSuccess()) {
            read.result = future.getNow();
        } else {
            read.fail(future.cause());
        }
        return true;
    }

    /**
     * Empties the window: buffers of completed reads are released now, reads in flight are cancelled (best
     * effort) and release their buffers in {@link #complete}. Every read is marked before any is cancelled, as a
     * cancellation may complete inline.
     */
    public void dropAll() {
        if (reads.isEmpty()) {
            return;
        }
        Read[] dropped = reads.toArray(new Read[0]);
        reads.clear();
        for (Read read : dropped) {
            if (read.done) {
                read.release();
            } else {
                read.dropped = true;
            }
        }
        for (Read read : dropped) {
            if (read.dropped && read.future != null) {
                read.future.cancel(false);
            }
        }
    }

    /**
     * One read of the window: its range, its buffer (until taken or released) and, once done, its outcome. Read
     * and changed on the owner's thread only.
     */
    public static final class Read {
        private final long position;
        private final int length;
        private final int skip;
        private final boolean continuation;
        private ByteBuf buffer;
        private Future<Integer> future;
        private boolean done;
        private boolean dropped;
        private int result;
        private Throwable cause;

        Read(ByteBuf buffer, long position, int length, int skip, boolean continuation) {
            this.buffer = buffer;
            this.position = position;
            this.length = length;
            this.skip = skip;
            this.continuation = continuation;
        }

        /** The file position the read starts at. */
        public long position() {
            return position;
        }

        /** The bytes asked for (the buffer may be larger, rounded up to whole O_DIRECT blocks). */
        public int length() {
            return length;
        }

        /** The bytes at the start of the range that were delivered before (by the short read this continues). */
        public int skip() {
            return skip;
        }

        /** Whether this read continues a short read ({@link ReadAheadWindow#prependContinuation}). */
        public boolean isContinuation() {
            return continuation;
        }

        /** The buffer read into, or null once taken or released. */
        public ByteBuf buffer() {
            return buffer;
        }

        /** Whether the completion was recorded (and the read was not dropped before). */
        public boolean isDone() {
            return done;
        }

        /** The byte count of a successful read (-1 at EOF for some engines); 0 before or after a failure. */
        public int result() {
            return result;
        }

        /** Why the read failed, or null. */
        public Throwable cause() {
            return cause;
        }

        /** Records {@code failure} as this read's cause and releases its buffer. */
        public void fail(Throwable failure) {
            cause = failure;
            release();
        }

        /** Hands the buffer over to the caller (null if already taken or released). */
        public ByteBuf take() {
            ByteBuf taken = buffer;
            buffer = null;
            return taken;
        }

        /** Releases the buffer unless taken or released already. */
        public void release() {
            ByteBuf held = take();
            if (held != null) {
                held.release();
            }
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.sys.internal.Errno;
import io.netty.channel.IoEventLoop;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/**
 * {@link AioEngine#IO_URING}: each operation is one {@code IORING_OP_READ}/{@code WRITE}/{@code READV}/
 * {@code WRITEV}/{@code FSYNC} submission ({@link IoUringOps}) through Netty's {@code IoUringIoHandler}, via the
 * file's {@link IoUringFileHandle}, paced by its {@link IoUringSubmissionPacer}. The ring is the file's own loop's
 * when that is an io_uring loop (completions then run while Netty processes the CQE), else a ring of the
 * {@link SharedIoUringLoop}, reached through an {@link IoUringHandOver}; a buffered file's page-cache hits skip
 * that hand-over ({@link CachedReads}). Completions run on the file's loop; failures are reported as
 * {@code -errno}, never thrown.
 *
 * <p>It is critical that operations be issued on the file's loop only: the engine's side of the state is confined
 * to that thread, the handle's to the ring's, without locks.
 */
final class IoUringFileEngine implements FileEngine {
    private static final int EINVAL = Errno.EINVAL;

    private final IoEventLoop fileLoop;
    private final IoEventLoop ringLoop;
    private final IoUringFileHandle handle;
    private final IoUringSubmissionPacer pacer;
    /** The hops to and from a shared ring; null when the file's loop is the ring's loop (its own ring). */
    private final IoUringHandOver handOver;
    /** Shared ring, buffered file: page-cache hits read on the file's loop (null: every read goes to the ring). */
    private final CachedReads cachedReads;
    /** Reports stranded operations when the ring's loop terminates; removed by {@link #close()}. */
    private final GenericFutureListener<Future<Object>> onRingTerminated;

    private IoUringFileEngine(IoEventLoop fileLoop, IoEventLoop ringLoop, int submitChunk, CachedReads cachedReads) {
        this.fileLoop = fileLoop;
        this.ringLoop = ringLoop;
        if (fileLoop == ringLoop) {
            handOver = null;
            handle = new IoUringFileHandle(ringLoop, submitChunk, IoUringFileHandle.ON_THIS_THREAD);
        } else {
            handOver = new IoUringHandOver(fileLoop, ringLoop, submitChunk);
            handle = handOver.handle();
        }
        this.pacer = handle.pacer();
        this.cachedReads = cachedReads;
        this.onRingTerminated = terminated -> handle.ringTerminated();
    }

    /**
     * Creates the engine for a file on {@code fileLoop}, registering its handle on {@code fileLoop} itself when
     * it is an io_uring loop, else on a loop of the shared io_uring group (created on first use), lazily: on the
     * ring thread, with the first operation handed over (a file whose reads are all page-cache hits never
     * registers; one whose registration fails has its operations report {@code -ECANCELED}). Called at open time
     * on {@code fileLoop}'s thread or, for an io_uring {@code fileLoop} ({@link FileEngines#createsOnAnyThread}), on
     * any thread: the registration then completes on the loop without anyone waiting for it, and operations the
     * loop issues before that wait in the handle (they are submitted, in order, when it completes; cancelled,
     * never seen by the kernel, if it fails). {@code oDirect}: the file is open with {@code O_DIRECT}, which sets
     * how submissions are paced ({@link IoUringSubmissionPacer#chunkFor}).
     *
     * @throws UnsupportedOperationException io_uring is not available (the message carries
     *                                       {@code IoUring.unavailabilityCause()}), or the shared ring can't be
     *                                       created
     * @throws IllegalStateException         an io_uring file loop's registration failed (e.g. the loop is
     *                                       shutting down); off the loop, a registration that fails later makes
     *                                       every operation report {@code -ECANCELED} instead
     * @throws java.util.concurrent.RejectedExecutionException off the loop: the loop is shut down
     */
    static IoUringFileEngine create(IoEventLoop fileLoop, boolean oDirect) {
        return create(fileLoop, oDirect, true);
    }

    /** As {@link #create(IoEventLoop, boolean)}; {@code cachedReads} false sends every read to the ring (tests). */
    static IoUringFileEngine create(IoEventLoop fileLoop, boolean oDirect, boolean cachedReads) {
        if (!IoUring.isAvailable()) {
            throw new UnsupportedOperationException("io_uring is not available: " + IoUring.unavailabilityCause(),
                    IoUring.unavailabilityCause());
        }
        IoEventLoop ringLoop = fileLoop.isCompatible(IoUringIoHandle.class) ? fileLoop : SharedIoUringLoop.next();
        boolean sharedRing = ringLoop != fileLoop;
        IoUringFileEngine engine = new IoUringFileEngine(fileLoop, ringLoop,
                IoUringSubmissionPacer.chunkFor(oDirect, sharedRing),
                sharedRing && !oDirect && cachedReads ? CachedReads.forBufferedFile() : null);
        // A shared ring's handle is registered by the first hand-over, on the ring thread: a file that never needs
        // the ring costs its thread nothing, not even the two wake-ups of registering and cancelling.
        if (!sharedRing) {
            if (fileLoop.inEventLoop()) {
                engine.handle.registerNow();
            } else {
                engine.handle.registerLater();    // on the loop, what was issued meanwhile goes out in its task
            }
        }
        ringLoop.terminationFuture().addListener(engine.onRingTerminated);
        return engine;
    }

    /** Returns {@link AioEngine#IO_URING}. Any thread. */
    @Override
    public AioEngine kind() {
        return AioEngine.IO_URING;
    }

    /**
     * Submits {@code IORING_OP_READ} (a {@code pread}). Called on the file's loop; {@code done} runs there
     * with the bytes read (0 at EOF; possibly fewer than asked), {@code -errno}, or {@code -ECANCELED} when
     * cancelled. A request the kernel never saw (the ring's loop is shutting down or rejected the hand-over:
     * {@code -ECANCELED}; Netty failed to queue it: {@code -EIO}) may be reported synchronously, from within
     * this call, as is a negative {@code position} ({@code -EINVAL}; io_uring would read at the file
     * position for -1). On a shared ring a buffered file's read that the page cache serves at once, issued while
     * every earlier operation of the file has completed, is done on the file's loop instead and reported from
     * within this call ({@link CachedReads}).
     */
    @Override
    public void read(int fd, long address, int length, long position, Completion done) {
        if (readsCachedHere(position)) {
            long result = cachedReads.read(fd, address, length, position);
            if (result != CachedReads.NOT_NOW) {
                IoUringFileHandle.runCompletion(done, result);
                return;
            }
        }
        transfer(IoUringOps.IORING_OP_READ, fd, position, address, length, done);
    }

    /**
     * Submits {@code IORING_OP_WRITE} (a {@code pwrite}). Threads, results and failures as for
     * {@link #read}; the kernel may write fewer bytes than asked.
     */
    @Override
    public void write(int fd, long address, int length, long position, Completion done) {
        transfer(IoUringOps.IORING_OP_WRITE, fd, position, address, length, done);
    }

    /** {@code IORING_OP_READV}/{@code IORING_OP_WRITEV} take the caller's memory as it is. */
    @Override
    public boolean vectored() {
        return true;
    }

    /**
     * Submits {@code IORING_OP_READV} (a {@code preadv}) over the {@code iovcnt} {@code iovec}s at {@code iov},
     * which stay allocated until {@code done}. Threads, results and failures as for {@link #read}.
     */
    @Override
    public void readv(int fd, long iov, int iovcnt, long position, Completion done) {
        if (readsCachedHere(position)) {
            long result = cachedReads.readv(fd, iov, iovcnt, position);
            if (result != CachedReads.NOT_NOW) {
                IoUringFileHandle.runCompletion(done, result);
                return;
            }
        }
        transfer(IoUringOps.IORING_OP_READV, fd, position, iov, iovcnt, done);
    }

    /**
     * Whether a read at {@code position} may be tried from the page cache on the file's loop: a buffered file on
     * a shared ring with nothing of it on the ring, so that a read never overtakes a write (or another read)
     * issued before it.
     */
    private boolean readsCachedHere(long position) {
        // On the file's loop only: after the file's loop rejected a hand-back, completions (and what they issue)
        // run on the ring thread, which must neither share the iovec nor read the hand-over's count.
        return cachedReads != null && handOver.onRing() == 0 && position >= 0 && fileLoop.inEventLoop();
    }

    /** Submits {@code IORING_OP_WRITEV} (a {@code pwritev}); as {@link #readv}. */
    @Override
    public void writev(int fd, long iov, int iovcnt, long position, Completion done) {
        transfer(IoUringOps.IORING_OP_WRITEV, fd, position, iov, iovcnt, done);
    }

    /** A positional transfer: {@code -EINVAL} at once for a negative {@code position}, else one SQE. */
    private void transfer(byte opcode, int fd, long position, long address, int length, Completion done) {
        if (position < 0) {
            done.complete(-EINVAL);
            return;
        }
        submit(opcode, fd, position, address, length, 0, done);
    }

    /**
     * Submits {@code IORING_OP_FSYNC} of the whole file, with {@code IORING_FSYNC_DATASYNC} when
     * {@code dataOnly}. Threads and failures as for {@link #read}; reports 0 on success.
     */
    @Override
    public void sync(int fd, boolean dataOnly, Completion done) {
        submit(IoUringOps.IORING_OP_FSYNC, fd, 0, 0, 0, IoUringOps.fsyncFlags(dataOnly), done);
    }

    private void submit(byte opcode, int fd, long offset, long address, int length, int opFlags, Completion done) {
        if (handOver == null) {
            pacer.submit(opcode, fd, offset, address, length, opFlags, done);
        } else {
            handOver.submit(opcode, fd, offset, address, length, opFlags, done);
        }
    }

    /**
     * Registers {@code listener}, run once on any thread if the ring's loop terminates with operations of this
     * file still in flight (stranded: never reported, their memory pinned). Any thread.
     */
    @Override
    public void whenAbandoned(Runnable listener) {
        handle.whenStranded(listener);
    }

    /**
     * Submits an {@code IORING_OP_ASYNC_CANCEL} for every operation in flight (on the ring thread; from the
     * file's loop of a shared ring it is handed over). Best effort: a cancelled operation reports
     * {@code -ECANCELED}, one already running in the kernel (typical for buffered file I/O) its real result.
     * Never throws.
     */
    @Override
    public void cancelAll() {
        if (handOver == null) {
            handle.cancelAll();
        } else {
            handOver.cancelAll();
        }
    }

    /**
     * Cancels the handle's registration (thread-safe; Netty removes it once the last outstanding completion, e.g.
     * of a cancel, arrived) and stops watching the ring loop's termination. Called once on the file's loop,
     * after every operation reported. Never throws.
     */
    @Override
    public void close() {
        if (cachedReads != null) {
            cachedReads.close();
        }
        ringLoop.terminationFuture().removeListener(onRingTerminated);
        handle.fileClosed();
    }

    /** For tests, any thread: whether the handle is registered with its ring (a shared ring registers lazily). */
    boolean registeredOnRing() {
        return handle.isRegistered();
    }

    /** For tests: the loop whose ring runs this file's operations (the file's own loop, or a shared ring's). */
    IoEventLoop ringLoop() {
        return ringLoop;
    }

    /** For tests, on the ring's thread: the handle Netty delivers this file's completions to. */
    IoUringIoHandle ringHandle() {
        return handle;
    }

    /** For tests, on the ring's thread: how many submissions the pacer holds back now. */
    int heldBack() {
        return pacer.heldBack();
    }

    @Override
    public String toString() {
        return "IoUringFileEngine(" + (handOver == null ? "own ring " : "shared ring ") + ringLoop + ")";
    }
}

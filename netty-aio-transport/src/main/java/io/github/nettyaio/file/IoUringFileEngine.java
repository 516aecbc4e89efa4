/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.AioProperties;
import io.github.nettyaio.sys.internal.Errno;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link AioEngine#IO_URING}: each operation is one {@code IORING_OP_READ}/{@code IORING_OP_WRITE}/
 * {@code IORING_OP_READV}/{@code IORING_OP_WRITEV}/{@code IORING_OP_FSYNC} submission through Netty's {@code IoUringIoHandler}, via an {@link IoUringIoHandle}
 * registered for this file.
 *
 * <p>Where the ring is: on an io_uring file loop, the file's own loop (ring thread == file thread, so
 * completions run {@code done} directly while Netty processes the CQE). On any other loop, a loop of the
 * process-wide {@link SharedIoUringLoop}: submissions are handed to the ring thread with
 * {@code execute}, and completions hop back with {@code fileLoop.execute} — both in batches, one task per
 * burst of submissions (all those issued by one task of the file's loop) and one per burst of CQEs, so each
 * thread wakes the other once per batch rather than once per operation. A buffered file's reads that the page
 * cache can serve at once skip both hops: with nothing else of the file on the ring, a read is first tried on the
 * file's loop with {@code preadv2(RWF_NOWAIT)} ({@link CachedReads}), which copies cached data or fails without
 * waiting; only what that can't do goes to the ring.
 *
 * <p>Pacing ({@link Ring#pace}): an O_DIRECT file gives the kernel at most {@link #DIRECT_SUBMIT_CHUNK} new
 * submissions per iteration of the ring's loop, so that a device's queue stays staggered rather than in lock
 * step; a buffered file on a shared ring at most {@link #SHARED_RING_CHUNK} of each hand-over at once, so that the
 * first completions flow back while the ring still reads. The rest wait, in order, for the next iterations.
 *
 * <p>Bookkeeping ({@link Ring}) is confined to the ring thread: a slot table of pending completions, indexed
 * by the slot number that travels as the SQE's user data. Slots {@code 0..Short.MAX_VALUE} fit Netty's
 * packed fast path; beyond that (more than 32768 operations in flight on one file) Netty transparently
 * uses its slower hashed path and hands the same user data back. A slot is freed only when its CQE arrived,
 * so {@code done} never runs while the kernel may still touch the caller's memory.
 *
 * <p>Cancellation ({@link #cancelAll()}) submits one {@code IORING_OP_ASYNC_CANCEL} per operation in
 * flight, aimed at the id {@code IoRegistration.submit} returned for it; cancelled operations then report
 * {@code -ECANCELED}, the others their real result. The cancel's own CQE is consumed silently.
 *
 * <p>Ring shutdown: when the ring's loop shuts down, Netty closes the handle ({@link Ring#close()}), which
 * cancels everything in flight and the registration; Netty then drains completions for up to 200 ms. An
 * operation whose CQE never arrived is abandoned: its {@code done} is never called (the caller keeps its
 * memory pinned, deliberately leaked), and a warning names how many were.
 */
final class IoUringFileEngine implements FileEngine {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IoUringFileEngine.class);

    // io_uring uapi values (include/uapi/linux/io_uring.h), as in Netty's package-private Native.
    /** {@code IORING_OP_READV}. */
    static final byte IORING_OP_READV = 1;
    /** {@code IORING_OP_WRITEV}. */
    static final byte IORING_OP_WRITEV = 2;
    /** {@code IORING_OP_FSYNC}. */
    static final byte IORING_OP_FSYNC = 3;
    /** {@code IORING_OP_ASYNC_CANCEL}. */
    static final byte IORING_OP_ASYNC_CANCEL = 14;
    /** {@code IORING_OP_READ} (Linux 5.6). */
    static final byte IORING_OP_READ = 22;
    /** {@code IORING_OP_WRITE} (Linux 5.6). */
    static final byte IORING_OP_WRITE = 23;
    /** {@code IORING_FSYNC_DATASYNC}, in {@code fsync_flags}: {@code fdatasync} semantics. */
    static final int IORING_FSYNC_DATASYNC = 1;

    /** User data of our {@code ASYNC_CANCEL} submissions: fits the fast path, never a slot. */
    private static final long CANCEL_TAG = -1L;
    /** What {@code IoRegistration.submit} returns when the registration is no longer valid. */
    private static final long INVALID_ID = 0;
    /**
     * System property: the most new submissions one file gives the kernel per iteration of its ring's loop, for
     * every file (default: see {@link #submitChunk(boolean, boolean)}; {@link Ring#pace} says why).
     */
    static final String SUBMIT_CHUNK_PROPERTY = AioProperties.URING_SUBMIT_CHUNK;
    /** {@link #SUBMIT_CHUNK_PROPERTY}, read once rather than at every open. */
    private static final int FORCED_SUBMIT_CHUNK = AioProperties.uringSubmitChunk();
    /**
     * O_DIRECT files: 2, the most SQEs one {@code io_uring_enter} submits without plugging ({@code need_plug =
     * max_ios > 2} in the kernel's {@code io_submit_state_start}), so each request reaches the device on its own,
     * as fio's (one submission per {@code io_uring_enter}) do.
     */
    static final int DIRECT_SUBMIT_CHUNK = 2;
    /** Buffered files on a shared ring: 16 of each hand-over now, the rest in later iterations. */
    static final int SHARED_RING_CHUNK = 16;

    /** Completions of operations whose ring died with them in flight: pinned forever (see reportAbandoned). */
    private static final Queue<Completion> ABANDONED = new ConcurrentLinkedQueue<>();

    private static final int ECANCELED = Errno.LINUX_ECANCELED;
    private static final int EINVAL = Errno.EINVAL;
    private static final int EIO = Errno.EIO;

    private final IoEventLoop fileLoop;
    private final IoEventLoop ringLoop;
    /** {@code fileLoop == ringLoop}: a native io_uring file loop. */
    private final boolean direct;
    /** The most new submissions per iteration of the ring's loop (see {@link Ring#pace}). */
    private final int submitChunk;
    private final Ring ring = new Ring();
    /** Run when operations are abandoned (see {@link #whenAbandoned}). */
    private volatile Runnable abandonedListener;
    /** Shared ring only: submissions not yet handed to the ring thread; confined to the file's loop. */
    private List<Sqe> toRing = new ArrayList<>();
    /** Shared ring only: completions not yet handed back to the file's loop; confined to the ring thread. */
    private Completions fromRing = new Completions();
    /** Shared ring, buffered file: page-cache hits read on the file's loop (null: every read goes to the ring). */
    private final CachedReads cachedReads;
    /** Shared ring only: operations handed (or queued) to the ring whose completion has not run; file's loop. */
    private int ringPending;
    /** Logs abandoned operations when the ring's loop terminates; removed by {@link #close()}. */
    private final GenericFutureListener<Future<Object>> onRingTerminated = f -> ring.reportAbandoned();

    private IoUringFileEngine(IoEventLoop fileLoop, IoEventLoop ringLoop, int submitChunk, CachedReads cachedReads) {
        this.fileLoop = fileLoop;
        this.ringLoop = ringLoop;
        this.direct = fileLoop == ringLoop;
        this.submitChunk = submitChunk;
        this.cachedReads = cachedReads;
    }

    /**
     * The pacing chunk for a file: the system property if set; else {@link #DIRECT_SUBMIT_CHUNK} for an
     * {@code oDirect} file, {@link #SHARED_RING_CHUNK} for a buffered file on a {@code shared} ring, and no limit
     * for a buffered file on its loop's own ring (page-cache reads complete inside the {@code io_uring_enter} that
     * submits them: a whole batch per call is cheapest, and the loop has nothing else to overlap them with).
     */
    static int submitChunk(boolean oDirect, boolean shared) {
        if (FORCED_SUBMIT_CHUNK > 0) {
            return FORCED_SUBMIT_CHUNK;
        }
        return oDirect ? DIRECT_SUBMIT_CHUNK : shared ? SHARED_RING_CHUNK : Integer.MAX_VALUE;
    }

    /**
     * Creates the engine for a file on {@code fileLoop}, registering its handle on {@code fileLoop} itself when
     * it is an io_uring loop, else on a loop of the shared io_uring group (created on first use), lazily: on the
     * ring thread, with the first operation handed over (a file whose reads are all page-cache hits never
     * registers; one whose registration fails has its operations report {@code -ECANCELED}). Called at open time on {@code fileLoop}'s thread or, for an io_uring
     * {@code fileLoop} ({@link FileEngines#createsOnAnyThread}), on any thread: the registration then completes
     * on the loop without anyone waiting for it, and operations the loop issues before that wait in the ring
     * (they are submitted, in order, when it completes; cancelled, never seen by the kernel, if it fails).
     * {@code oDirect}: the file is open with {@code O_DIRECT}, which sets how submissions are paced
     * ({@link #submitChunk(boolean, boolean)}).
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
        boolean shared = ringLoop != fileLoop;
        IoUringFileEngine engine = new IoUringFileEngine(fileLoop, ringLoop, submitChunk(oDirect, shared),
                shared && !oDirect && cachedReads ? CachedReads.forBufferedFile() : null);
        if (shared) {
            // Registered by the first hand-over, on the ring thread (Ring.submitHandedOver): a file that never
            // needs the ring costs its thread nothing, not even the two wake-ups of registering and cancelling.
            ringLoop.terminationFuture().addListener(engine.onRingTerminated);
            return engine;
        }
        if (!fileLoop.inEventLoop()) {
            // Set before the task is queued, which orders it before everything the loop does with it. On the
            // loop, register() completes at once, so the queued submissions go out in that same task.
            engine.ring.unregistered = new ArrayList<>();
            ringLoop.execute(() -> engine.ring.registered(ringLoop.register(engine.ring)));   // may reject
            ringLoop.terminationFuture().addListener(engine.onRingTerminated);
            return engine;
        }
        Future<IoRegistration> f = ringLoop.register(engine.ring);
        // Done already: called on the ring's own thread (the native case, on the file loop).
        if (!f.isDone()) {
            f.addListener(late -> {
                if (late.isSuccess()) {
                    ((IoRegistration) late.getNow()).cancel();
                }
            });
            throw new IllegalStateException("Registering with io_uring loop " + ringLoop + " did not complete on"
                    + " its own thread");
        }
        if (!f.isSuccess()) {
            throw new IllegalStateException("Can't register with io_uring loop " + ringLoop + ": " + f.cause(),
                    f.cause());
        }
        engine.ring.registration = f.getNow();
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
            long n = cachedReads.read(fd, address, length, position);
            if (n != CachedReads.NOT_NOW) {
                completeHere(done, n);
                return;
            }
        }
        transfer(IORING_OP_READ, fd, position, address, length, done);
    }

    /**
     * Submits {@code IORING_OP_WRITE} (a {@code pwrite}). Threads, results and failures as for
     * {@link #read}; the kernel may write fewer bytes than asked.
     */
    @Override
    public void write(int fd, long address, int length, long position, Completion done) {
        transfer(IORING_OP_WRITE, fd, position, address, length, done);
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
            long n = cachedReads.readv(fd, iov, iovcnt, position);
            if (n != CachedReads.NOT_NOW) {
                completeHere(done, n);
                return;
            }
        }
        transfer(IORING_OP_READV, fd, position, iov, iovcnt, done);
    }

    /**
     * Whether a read at {@code position} may be tried from the page cache on the file's loop: a buffered file on
     * a shared ring with nothing of it on the ring, so that a read never overtakes a write (or another read)
     * issued before it.
     */
    private boolean readsCachedHere(long position) {
        // On the file's loop only: after the file's loop rejected a hand-back, completions (and what they issue)
        // run on the ring thread, which must neither share the iovec nor read ringPending.
        return cachedReads != null && ringPending == 0 && position >= 0 && fileLoop.inEventLoop();
    }

    /** Runs {@code done} here, on the file's loop; one that throws is logged. */
    private static void completeHere(Completion done, long result) {
        try {
            done.complete(result);
        } catch (Throwable t) {
            logger.warn("A file completion threw", t);
        }
    }

    /** Submits {@code IORING_OP_WRITEV} (a {@code pwritev}); as {@link #readv}. */
    @Override
    public void writev(int fd, long iov, int iovcnt, long position, Completion done) {
        transfer(IORING_OP_WRITEV, fd, position, iov, iovcnt, done);
    }

    /** A positional transfer: {@code -EINVAL} at once for a negative {@code position}, else one SQE. */
    private void transfer(byte op, int fd, long position, long address, int length, Completion done) {
        if (position < 0) {
            done.complete(-EINVAL);
            return;
        }
        submit(op, fd, position, address, length, 0, done);
    }

    /**
     * Submits {@code IORING_OP_FSYNC} of the whole file, with {@code IORING_FSYNC_DATASYNC} when
     * {@code dataOnly}. Threads and failures as for {@link #read}; reports 0 on success.
     */
    @Override
    public void sync(int fd, boolean dataOnly, Completion done) {
        submit(IORING_OP_FSYNC, fd, 0, 0, 0, dataOnly ? IORING_FSYNC_DATASYNC : 0, done);
    }

    private void submit(byte op, int fd, long offset, long address, int length, int opFlags, Completion done) {
        if (direct || ringLoop.inEventLoop()) {
            // On the ring thread of a shared ring only when the file's loop is gone and a completion ran here
            // (handBackCompletions): submit directly rather than touch the file loop's queue from this thread.
            ring.pace(op, fd, offset, address, length, opFlags, done);
            return;
        }
        toRing.add(new Sqe(op, fd, offset, address, length, opFlags, done));
        ringPending++;
        if (toRing.size() == 1) {
            // One hand-over per batch: runs after the task that is submitting now (and whatever else that task
            // submits), on this same loop, so the ring thread is woken once per batch, not once per operation.
            executeOrRunNow(fileLoop, this::handOverSubmissions);
        }
    }

    /** On the file's loop: hands every queued submission to the ring thread in one task. */
    private void handOverSubmissions() {
        List<Sqe> batch = toRing;
        if (batch.isEmpty()) {
            return;
        }
        toRing = new ArrayList<>();
        try {
            ringLoop.execute(() -> ring.submitHandedOver(batch));
        } catch (RejectedExecutionException e) {
            // The kernel never saw them: safe to report.
            logger.debug("Shared io_uring loop {} rejected {} submission(s)", ringLoop, batch.size(), e);
            ringPending -= batch.size();
            for (Sqe q : batch) {
                q.done.complete(-ECANCELED);
            }
        }
    }

    /**
     * Submits an {@code IORING_OP_ASYNC_CANCEL} for every operation in flight (on the ring thread; from the
     * file's loop it is handed over). Best effort: a cancelled operation reports {@code -ECANCELED}, one
     * already running in the kernel (typical for buffered file I/O) its real result. Never throws.
     */
    @Override
    public void whenAbandoned(Runnable listener) {
        abandonedListener = listener;
    }

    @Override
    public void cancelAll() {
        if (direct) {
            ring.cancelAll();
            return;
        }
        // Submissions still queued here reach the ring first (both are tasks of the ring loop, in order), so
        // the cancel covers them too.
        handOverSubmissions();
        try {
            ringLoop.execute(ring::cancelAll);
        } catch (RejectedExecutionException e) {
            logger.debug("Shared io_uring loop {} rejected a cancel", ringLoop, e);
        }
    }

    /**
     * Cancels the handle's {@link IoRegistration} (thread-safe; Netty removes it once the last outstanding
     * CQE, e.g. of a cancel, arrived) and stops watching the ring loop's termination. Called once on the file's
     * loop, after every operation reported. Never throws.
     */
    @Override
    public void close() {
        if (cachedReads != null) {
            cachedReads.close();
        }
        ringLoop.terminationFuture().removeListener(onRingTerminated);
        ring.engineClosed = true;            // a registration completing later is cancelled at once
        IoRegistration r = ring.registration;
        if (r != null) {
            try {
                r.cancel();
            } catch (RuntimeException e) {
                logger.debug("Cancelling the io_uring registration failed", e);
            }
        }
    }

    /**
     * Hands {@code result} to {@code done} on the file's loop: at once on a native ring; from the shared ring,
     * queued for the next {@link #handBackCompletions()} (called on the ring thread).
     */
    private void deliver(Completion done, long result) {
        if (direct) {
            completeHere(done, result);
            return;
        }
        fromRing.add(done, result);
        if (fromRing.size() == 1) {
            // One hand-back per batch of CQEs: Netty runs this task after the completions it is processing now.
            executeOrRunNow(ringLoop, this::handBackCompletions);
        }
    }

    /** Runs {@code task} as a task of {@code loop}, or right here when the loop no longer takes tasks. */
    private static void executeOrRunNow(IoEventLoop loop, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** On the ring thread: hands every queued completion to the file's loop in one task. */
    private void handBackCompletions() {
        Completions batch = fromRing;
        if (batch.size() == 0) {
            return;
        }
        fromRing = new Completions();
        try {
            fileLoop.execute(() -> {
                ringPending -= batch.size();
                batch.run();
            });
        } catch (RejectedExecutionException e) {
            // The file's loop is gone but the kernel is done with the memory: complete here, on the ring
            // thread, so AioFile can release the buffer and close the descriptor (FileEngine's contract).
            logger.debug("{} shut down: completing on the ring thread", fileLoop);
            batch.run();
        }
    }

    /** A submission waiting on the file's loop to be handed to the shared ring. */
    private record Sqe(byte op, int fd, long offset, long address, int length, int opFlags, Completion done) {
    }

    /** Completions waiting on the ring thread to be handed back to the file's loop. */
    private static final class Completions {
        private Completion[] dones = new Completion[16];
        private long[] results = new long[16];
        private int size;

        int size() {
            return size;
        }

        void add(Completion done, long result) {
            if (size == dones.length) {
                dones = Arrays.copyOf(dones, size * 2);
                results = Arrays.copyOf(results, size * 2);
            }
            dones[size] = done;
            results[size++] = result;
        }

        /** Runs every completion in order; one that throws doesn't keep the others from running. */
        void run() {
            for (int i = 0; i < size; i++) {
                try {
                    dones[i].complete(results[i]);
                } catch (Throwable t) {
                    logger.warn("A file completion threw", t);
                }
            }
        }
    }

    /** For tests, any thread: whether the handle is registered with its ring (a shared ring registers lazily). */
    boolean registeredOnRing() {
        return ring.registration != null;
    }

    /** For tests: the loop whose ring runs this file's operations (the file's own loop, or a shared ring's). */
    IoEventLoop ringLoop() {
        return ringLoop;
    }

    /** For tests, on the ring's thread: the handle Netty delivers this file's completions to. */
    IoUringIoHandle ringHandle() {
        return ring;
    }

    /** For tests, on the ring's thread: how many submissions {@link Ring#pace} holds back now. */
    int heldBack() {
        return ring.backlog.size();
    }

    @Override
    public String toString() {
        return "IoUringFileEngine(" + (direct ? "ring " : "shared ring ") + ringLoop + ")";
    }

    /**
     * The {@link IoUringIoHandle} registered for this file, and the slot table of operations in flight. Every
     * method except {@link #reportAbandoned()} runs on the ring's loop thread ({@link #create} sets
     * {@link #unregistered} before the loop sees the ring; {@code engineClosed} is written by the engine's close).
     */
    private final class Ring implements IoUringIoHandle {
        /**
         * The registration (wrapper) from {@code register}; set by {@link #create} before any submission, or (a
         * native ring opened off its loop, or a shared ring at its first hand-over) by {@link #registered}.
         */
        volatile IoRegistration registration;
        /**
         * While a registration started off the loop is pending: the submissions made meanwhile, in order (null
         * otherwise). Set by {@link #create} before the registration task is queued; then ring-thread only.
         */
        List<Sqe> unregistered;
        /**
         * The engine was closed (on the file's loop, or any thread once it has shut down): a registration
         * completing afterwards is cancelled. Volatile like {@link #registration}: whichever of close and
         * registration comes second sees the other and cancels (cancel is idempotent).
         */
        volatile boolean engineClosed;
        /** Shared ring: {@link #ensureRegistered} ran (ring thread only). */
        private boolean registrationStarted;
        /** Completion per slot; {@code null} when free. */
        private Completion[] dones = new Completion[16];
        /** What {@code submit} returned per slot: the kernel-side user data, target of ASYNC_CANCEL. */
        private long[] ids = new long[16];
        /** Whether an ASYNC_CANCEL was already submitted per slot. */
        private boolean[] cancelled = new boolean[16];
        /** Slots in use; the lowest free slot is taken so most stay in Netty's fast path. */
        private final BitSet used = new BitSet();
        /** Operations in flight; written on the ring thread, read by {@link #reportAbandoned()}. */
        private volatile int inFlight;
        /** Netty closed the handle (the ring's loop is shutting down). */
        private boolean closed;
        /**
         * Submissions {@link #pace} held back, which the kernel hasn't seen yet (oldest first), and whether a
         * {@link #drain} is scheduled to submit the next chunk of them.
         */
        private final ArrayDeque<Sqe> backlog = new ArrayDeque<>();
        private boolean drainScheduled;
        /**
         * How many of this file's SQEs were queued since Netty's last {@code io_uring_enter} took the submission
         * queue, as far as this ring can tell (it may overcount, which only holds back more): reset by the first
         * CQE of a loop iteration ({@link #turnStarted}) and by {@link #drain}.
         */
        private int queuedThisTurn;
        /** A CQE was handled in this iteration of the loop; cleared by {@link #endTurn}, a task of it. */
        private boolean turnStarted;
        private final Runnable endTurn = () -> turnStarted = false;
        private final Runnable scheduleDrainTask = this::scheduleDrain;
        private final Runnable drainTask = this::drain;

        /**
         * On the ring thread: submits an operation now, or holds it back, in order, for a later iteration of the
         * ring's loop when {@code submitChunk} of this file's SQEs are already queued for the coming
         * {@code io_uring_enter} or older ones wait. Why pace at all:
         * <ul>
         * <li>A device may complete a batch of requests submitted together all at once, when the slowest is
         * done (a virtio disk whose host coalesces per kick does). A loop that then refills the whole queue in one
         * {@code io_uring_enter} keeps it in lock step: the queue drains before it is refilled and every batch
         * waits for its slowest member. Submitted a few at a time, requests stay staggered, as fio's default of
         * one submission per {@code io_uring_enter} keeps them (at 32 per call fio loses a fifth of its IOPS on
         * this project's test VM, as the loop did without pacing).
         * O_DIRECT reads go to the device from the {@code io_uring_enter} that submits them, so this is where
         * pacing them matters ({@link #DIRECT_SUBMIT_CHUNK} per iteration); buffered reads that miss the page cache
         * are handed to io-wq workers, which issue them one by one anyway.</li>
         * <li>Page-cache reads complete inside the {@code io_uring_enter} that submits them, so on a shared ring a
         * batch submitted whole comes back whole: the file's loop would sit idle while the ring thread reads,
         * and the other way round. In chunks ({@link #SHARED_RING_CHUNK} of each hand-over at once), the first
         * completions travel back while the ring reads the next ones, and the two threads work at the same time.
         * On the file's own ring there is nothing to overlap: buffered files are not paced there.</li>
         * </ul>
         * The cost is one non-blocking loop iteration per chunk held back.
         */
        void pace(byte op, int fd, long offset, long address, int length, int opFlags, Completion done) {
            if (backlog.isEmpty() && queuedThisTurn < submitChunk) {
                queuedThisTurn++;
                submit(op, fd, offset, address, length, opFlags, done);
                return;
            }
            backlog.add(new Sqe(op, fd, offset, address, length, opFlags, done));
            armDrain();
        }

        private void pace(Sqe q) {
            pace(q.op, q.fd, q.offset, q.address, q.length, q.opFlags, q.done);
        }

        /**
         * Shared ring, on the ring thread: paces a batch handed over from the file's loop, in order. A hand-over
         * is one burst of the file's loop: unless older submissions still wait, its first chunk goes at once.
         */
        void submitHandedOver(List<Sqe> batch) {
            ensureRegistered();
            if (backlog.isEmpty()) {
                queuedThisTurn = 0;
            }
            for (Sqe q : batch) {
                pace(q);
            }
        }

        /**
         * Makes {@link #drain} run in the loop's next iteration, after its {@code io_uring_enter} took what is
         * queued now: a task scheduled with no delay runs in the first round of tasks that starts after it was
         * scheduled, so it is scheduled from a task ({@link #scheduleDrain}), whether {@link #pace} was called
         * while Netty processed completions or from a task.
         */
        private void armDrain() {
            if (drainScheduled) {
                return;
            }
            drainScheduled = true;
            try {
                ringLoop.execute(scheduleDrainTask);
            } catch (RejectedExecutionException e) {
                flushBacklog();
            }
        }

        private void scheduleDrain() {
            try {
                ringLoop.schedule(drainTask, 0, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                flushBacklog();
            }
        }

        /** A new iteration: submits the next {@code submitChunk} held-back operations; re-arms if more wait. */
        private void drain() {
            drainScheduled = false;
            queuedThisTurn = 0;
            while (queuedThisTurn < submitChunk) {
                Sqe q = backlog.poll();
                if (q == null) {
                    return;
                }
                queuedThisTurn++;
                submit(q);
            }
            if (!backlog.isEmpty()) {
                armDrain();
            }
        }

        /** The loop is shutting down and takes no tasks: submit() reports what it can no longer submit. */
        private void flushBacklog() {
            drainScheduled = false;
            for (Sqe q; (q = backlog.poll()) != null; ) {
                submit(q);
            }
        }

        /** Reports every backlogged submission cancelled (the kernel never saw them) through {@code report}. */
        private void cancelBacklog(Consumer<Completion> report) {
            for (Sqe q; (q = backlog.poll()) != null; ) {
                report.accept(q.done);
            }
        }

        private void submit(Sqe q) {
            submit(q.op, q.fd, q.offset, q.address, q.length, q.opFlags, q.done);
        }

        /** Takes a slot and submits the SQE; reports at once (with nothing submitted) if it can't. */
        void submit(byte op, int fd, long offset, long address, int length, int opFlags, Completion done) {
            IoRegistration r = registration;
            if (r == null && unregistered != null) {
                unregistered.add(new Sqe(op, fd, offset, address, length, opFlags, done));
                return;
            }
            if (r == null || closed || !r.isValid()) {
                deliver(done, -ECANCELED);
                return;
            }
            int slot = used.nextClearBit(0);
            if (slot >= dones.length) {
                int n = Math.max(slot + 1, dones.length * 2);
                dones = Arrays.copyOf(dones, n);
                ids = Arrays.copyOf(ids, n);
                cancelled = Arrays.copyOf(cancelled, n);
            }
            long id;
            try {
                id = r.submit(new IoUringIoOps(op, (byte) 0, (short) 0, fd, offset, address, length, opFlags,
                        slot, (short) 0, (short) 0, 0, 0L));
            } catch (Throwable t) {
                // Netty throws before queueing the SQE (closed or full ring), so the kernel never saw it.
                logger.warn("io_uring submission failed", t);
                deliver(done, -EIO);
                return;
            }
            if (id == INVALID_ID) {
                deliver(done, -ECANCELED);
                return;
            }
            used.set(slot);
            dones[slot] = done;
            ids[slot] = id;
            cancelled[slot] = false;
            inFlight++;
        }

        /**
         * Shared ring, on the ring thread, at every hand-over: registers the handle the first time. Register on the
         * loop's own thread completes within the call, so {@link #registered} runs at once and the hand-over's
         * submissions find the registration (or, if it failed, report {@code -ECANCELED}).
         */
        private void ensureRegistered() {
            if (registrationStarted) {
                return;
            }
            registrationStarted = true;
            unregistered = new ArrayList<>();
            Future<IoRegistration> f;
            try {
                f = ringLoop.register(this);
            } catch (Throwable t) {
                // Netty's register fails its promise for an Exception but lets an Error (OutOfMemoryError, say)
                // through: without this, the hand-over's submissions would wait in unregistered for ever.
                registrationFailed(t);
                unregistered = null;
                return;
            }
            f.addListener(done -> registered(done));
        }

        /**
         * Logs why the registration failed: at debug while the ring's loop shuts down (every file then fails
         * its operations with {@code ECANCELED}, as expected), else at warn, as nothing else names the cause.
         */
        private void registrationFailed(Throwable cause) {
            if (ringLoop.isShuttingDown()) {
                logger.debug("Registering with io_uring loop {} failed", ringLoop, cause);
            } else {
                logger.warn("Registering with io_uring loop {} failed: this file's operations fail with ECANCELED",
                        ringLoop, cause);
            }
        }

        /**
         * On the ring thread, once the registration started off the loop completed: submits what waited for it,
         * or (it failed: the loop is shutting down) reports those operations cancelled.
         */
        void registered(Future<? super IoRegistration> f) {
            List<Sqe> waiting = unregistered;
            unregistered = null;
            if (waiting == null) {
                return;                      // the loop terminated first (reportAbandoned reported them)
            }
            if (f.isSuccess()) {
                IoRegistration r = (IoRegistration) f.getNow();
                registration = r;
                if (engineClosed) {
                    r.cancel();
                }
            } else {
                registrationFailed(f.cause());
            }
            for (Sqe q : waiting) {
                pace(q);   // -ECANCELED if it failed
            }
        }

        /** Cancels the backlog, then submits ASYNC_CANCEL for every slot in flight not yet cancelled. */
        void cancelAll() {
            cancelBacklog(done -> deliver(done, -ECANCELED));
            IoRegistration r = registration;
            if (r == null && unregistered != null) {
                // Never seen by the kernel: cancelled here and now.
                List<Sqe> waiting = unregistered;
                unregistered = new ArrayList<>();
                for (Sqe q : waiting) {
                    deliver(q.done, -ECANCELED);
                }
                return;
            }
            if (r == null || !r.isValid()) {
                return;
            }
            for (int slot = used.nextSetBit(0); slot >= 0; slot = used.nextSetBit(slot + 1)) {
                if (cancelled[slot]) {
                    continue;
                }
                cancelled[slot] = true;
                try {
                    // Layout of Netty's IoUringIoOps.newAsyncCancel / liburing's io_uring_prep_cancel64.
                    r.submit(new IoUringIoOps(IORING_OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, ids[slot], 0, 0,
                            CANCEL_TAG, (short) 0, (short) 0, 0, 0L));
                } catch (Throwable t) {
                    logger.debug("io_uring cancel submission failed", t);
                    return;
                }
            }
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            try {
                if (!turnStarted && submitChunk != Integer.MAX_VALUE) {
                    // The first CQE of this loop iteration: the io_uring_enter before it took every SQE queued so far.
                    turnStarted = true;
                    queuedThisTurn = 0;
                    try {
                        ringLoop.execute(endTurn);
                    } catch (RejectedExecutionException e) {
                        turnStarted = false;         // shutting down: every CQE starts a turn
                    }
                }
                IoUringIoEvent event = (IoUringIoEvent) ioEvent;
                if (event.opcode() == IORING_OP_ASYNC_CANCEL) {
                    // 0: cancelled (the target reports -ECANCELED); -ENOENT: already done; -EALREADY: running.
                    if (logger.isDebugEnabled()) {
                        logger.debug("io_uring ASYNC_CANCEL completed: res={}", event.res());
                    }
                    return;
                }
                long tag = event.userData();
                int slot = (int) tag;
                if (tag != slot || slot < 0 || slot >= dones.length || !used.get(slot)) {
                    logger.warn("Ignoring an io_uring completion for no operation in flight: {}", event);
                    return;
                }
                Completion done = dones[slot];
                dones[slot] = null;
                used.clear(slot);
                inFlight--;
                deliver(done, event.res());
            } catch (Throwable t) {
                logger.warn("Unexpected exception handling an io_uring completion", t);
            }
        }

        /**
         * Netty closes the handle when the ring's loop shuts down: cancel everything in flight, then the
         * registration (so nothing new is submitted). Completions still arrive until Netty's drain ends.
         * May be called more than once; never throws.
         */
        @Override
        public void close() {
            try {
                if (!closed) {
                    closed = true;
                    cancelBacklog(done -> deliver(done, -ECANCELED));
                    if (inFlight > 0) {
                        logger.debug("io_uring loop {} shutting down with {} file operation(s) in flight; cancelling",
                                ringLoop, inFlight);
                        cancelAll();
                    }
                }
                IoRegistration r = registration;
                if (r != null) {
                    r.cancel();
                }
            } catch (Throwable t) {
                logger.warn("Unexpected exception closing an io_uring file handle", t);
            }
        }

        /**
         * After the ring's loop terminated (any thread): warns about operations that never completed, and pins
         * their completions (hence the buffers and descriptors they hold) in {@link #ABANDONED} for the life of
         * the process. The kernel may still be finishing them after the ring closed (its exit work waits for
         * them), and no completion will ever say when: leaking is the only safe choice, and pinning makes the
         * leak deliberate rather than something the garbage collector and the leak detector later stumble on.
         */
        void reportAbandoned() {
            List<Sqe> never = unregistered;
            if (never != null) {
                // The registration task never ran (dropped as the loop terminated): the kernel never saw these.
                unregistered = null;
                for (Sqe q : never) {
                    q.done.complete(-ECANCELED);
                }
            }
            // Backlogged submissions whose drain task was dropped as the loop terminated: never submitted either.
            // deliver() hands them to the file's loop, which may well be alive (or runs them here if it is not).
            cancelBacklog(done -> deliver(done, -ECANCELED));
            int n = inFlight;
            if (n > 0) {
                logger.warn("io_uring loop {} terminated with {} file operation(s) still in flight: their "
                        + "completions will never be reported and their buffers stay pinned", ringLoop, n);
                // The ring thread has terminated (its termination future orders its writes before this read).
                for (Completion done : dones) {
                    if (done != null) {
                        ABANDONED.add(done);
                    }
                }
                Runnable l = abandonedListener;
                if (l != null) {
                    try {
                        l.run();
                    } catch (Throwable t) {
                        logger.warn("An abandonment listener threw", t);
                    }
                }
            }
        }
    }
}

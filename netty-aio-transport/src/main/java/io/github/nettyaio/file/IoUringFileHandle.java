/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.sys.internal.Errno;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One file's {@link IoUringIoHandle}: its registration with a ring and the slot table of its operations in flight,
 * indexed by the slot number that travels as the SQE's user data. Runs on the ring's loop thread, except
 * {@link #ringTerminated()} and {@link #fileClosed()}; completions go to the {@link Delivery} given at creation.
 * Never throws from Netty's callbacks; an operation it can't submit reports {@code -ECANCELED} (no registration,
 * or the ring is closing) or {@code -EIO} (Netty refused the SQE). Slots {@code 0..Short.MAX_VALUE} fit Netty's
 * packed fast path; beyond that Netty uses its slower hashed path and hands the same user data back.
 *
 * <p>It is critical that a slot be freed only when its completion arrived: {@code done} must never run while the
 * kernel may still touch the caller's memory. Operations still in flight when the ring's loop terminates are
 * therefore stranded: their {@code done} never runs and their memory stays pinned for the life of the process.
 */
final class IoUringFileHandle implements IoUringIoHandle {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IoUringFileHandle.class);

    /** Where a finished operation's result goes: to its {@code done}, on the file's loop. */
    interface Delivery {
        /** Hands {@code result} to {@code done}; called on the ring's thread, never throws. */
        void deliver(FileEngine.Completion done, long result);
    }

    /** Delivery on the file's own ring: runs {@code done} right here (the file's loop is the ring's loop). */
    static final Delivery ON_THIS_THREAD = IoUringFileHandle::runCompletion;

    /** User data of our {@code ASYNC_CANCEL} submissions: fits the fast path, never a slot. */
    private static final long CANCEL_TAG = -1L;
    /** What {@code IoRegistration.submit} returns when the registration is no longer valid. */
    private static final long INVALID_ID = 0;
    private static final int ECANCELED = Errno.LINUX_ECANCELED;
    private static final int EIO = Errno.EIO;

    /** Completions of stranded operations (see {@link #ringTerminated()}): pinned for the life of the process. */
    private static final Queue<FileEngine.Completion> STRANDED = new ConcurrentLinkedQueue<>();

    private final IoEventLoop ringLoop;
    private final Delivery delivery;
    private final IoUringSubmissionPacer pacer;
    /** From {@code register}: by {@link #registerNow} before any submission, else by {@link #registered}. */
    private volatile IoRegistration registration;
    /** While a registration is pending: the submissions made meanwhile, in order (else null); ring thread. */
    private List<IoUringOps.Queued> unregistered;
    /**
     * The file was closed: a registration completing afterwards is cancelled. Volatile like {@link #registration}:
     * whichever of close and registration comes second sees the other and cancels (cancel is idempotent).
     */
    private volatile boolean fileClosed;
    /** Shared ring: {@link #ensureRegistered} ran (ring thread only). */
    private boolean registrationStarted;
    /** Completion per slot; {@code null} when free. */
    private FileEngine.Completion[] dones = new FileEngine.Completion[16];
    /** What {@code submit} returned per slot: the kernel-side user data, target of ASYNC_CANCEL. */
    private long[] ids = new long[16];
    /** Whether an ASYNC_CANCEL was already submitted per slot. */
    private boolean[] cancelled = new boolean[16];
    /** Slots in use; the lowest free slot is taken so most stay in Netty's fast path. */
    private final BitSet used = new BitSet();
    /** Operations in flight; written on the ring thread, read by {@link #ringTerminated()}. */
    private volatile int inFlight;
    /** Netty closed the handle (the ring's loop is shutting down). */
    private boolean handleClosed;
    /** Run when operations are stranded (see {@link FileEngine#whenAbandoned}). */
    private volatile Runnable strandedListener;

    /** {@code delivery}: {@link #ON_THIS_THREAD}, or a shared ring's hand-back; {@code submitChunk}: the pacing. */
    IoUringFileHandle(IoEventLoop ringLoop, int submitChunk, Delivery delivery) {
        this.ringLoop = ringLoop;
        this.delivery = delivery;
        this.pacer = new IoUringSubmissionPacer(ringLoop, submitChunk, this);
    }

    /** Runs {@code done} on this thread; one that throws is logged. */
    static void runCompletion(FileEngine.Completion done, long result) {
        try {
            done.complete(result);
        } catch (Throwable cause) {
            logger.warn("A file completion threw", cause);
        }
    }

    /** The pacer every submission of this file goes through (ring thread only). */
    IoUringSubmissionPacer pacer() {
        return pacer;
    }

    /** Any thread: whether the handle is registered with its ring. */
    boolean isRegistered() {
        return registration != null;
    }

    /** Sets the listener run (once, any thread) when {@link #ringTerminated()} finds operations stranded. */
    void whenStranded(Runnable listener) {
        strandedListener = listener;
    }

    /**
     * On the ring's thread: registers with the ring now.
     *
     * @throws IllegalStateException the registration failed (e.g. the loop is shutting down) or did not complete
     */
    void registerNow() {
        Future<IoRegistration> future = ringLoop.register(this);
        // Done already: called on the ring's own thread.
        if (!future.isDone()) {
            future.addListener(late -> {
                if (late.isSuccess()) {
                    ((IoRegistration) late.getNow()).cancel();
                }
            });
            throw new IllegalStateException("Registering with io_uring loop " + ringLoop + " did not complete on"
                    + " its own thread");
        }
        if (!future.isSuccess()) {
            throw new IllegalStateException("Can't register with io_uring loop " + ringLoop + ": " + future.cause(),
                    future.cause());
        }
        registration = future.getNow();
    }

    /**
     * Off the ring's thread, before its loop can see this handle: registers in a task of the ring's loop; what is
     * submitted meanwhile waits, in order, and goes out when it completes (or reports {@code -ECANCELED}).
     *
     * @throws java.util.concurrent.RejectedExecutionException the ring's loop is shut down
     */
    void registerLater() {
        unregistered = new ArrayList<>();
        ringLoop.execute(() -> registered(ringLoop.register(this)));
    }

    /** Shared ring, on the ring thread: paces a batch handed over, registering the handle with the first one. */
    void submitHandedOver(List<IoUringOps.Queued> batch) {
        ensureRegistered();
        pacer.submitHandedOver(batch);
    }

    /** Ring thread, from the pacer: takes a slot and submits the SQE, or reports at once if it can't. */
    void submit(byte opcode, int fd, long offset, long address, int length, int opFlags,
                FileEngine.Completion done) {
        IoRegistration reg = registration;
        if (reg == null && unregistered != null) {
            unregistered.add(new IoUringOps.Queued(opcode, fd, offset, address, length, opFlags, done));
            return;
        }
        if (reg == null || handleClosed || !reg.isValid()) {
            delivery.deliver(done, -ECANCELED);
            return;
        }
        int slot = used.nextClearBit(0);
        if (slot >= dones.length) {
            int capacity = Math.max(slot + 1, dones.length * 2);
            dones = Arrays.copyOf(dones, capacity);
            ids = Arrays.copyOf(ids, capacity);
            cancelled = Arrays.copyOf(cancelled, capacity);
        }
        long id;
        try {
            id = reg.submit(IoUringOps.fileOp(opcode, fd, offset, address, length, opFlags, slot));
        } catch (Throwable cause) {
            // Netty throws before queueing the SQE (closed or full ring), so the kernel never saw it.
            logger.warn("io_uring submission failed", cause);
            delivery.deliver(done, -EIO);
            return;
        }
        if (id == INVALID_ID) {
            delivery.deliver(done, -ECANCELED);
            return;
        }
        used.set(slot);
        dones[slot] = done;
        ids[slot] = id;
        cancelled[slot] = false;
        inFlight++;
    }

    /**
     * Shared ring, on the ring thread, at every hand-over: registers the handle the first time. On the loop's own
     * thread that completes within the call, so the hand-over's submissions find the registration (or its failure).
     */
    private void ensureRegistered() {
        if (registrationStarted) {
            return;
        }
        registrationStarted = true;
        unregistered = new ArrayList<>();
        Future<IoRegistration> future;
        try {
            future = ringLoop.register(this);
        } catch (Throwable cause) {
            // Netty's register fails its promise for an Exception but lets an Error (OutOfMemoryError, say)
            // through: without this, the hand-over's submissions would wait in unregistered for ever.
            registrationFailed(cause);
            unregistered = null;
            return;
        }
        future.addListener(this::registered);
    }

    /** Logs why the registration failed: at debug while the ring's loop shuts down (as expected), else at warn. */
    private void registrationFailed(Throwable cause) {
        if (ringLoop.isShuttingDown()) {
            logger.debug("Registering with io_uring loop {} failed", ringLoop, cause);
        } else {
            logger.warn("Registering with io_uring loop {} failed: this file's operations fail with ECANCELED",
                    ringLoop, cause);
        }
    }

    /** On the ring thread, once a registration completed: submits what waited for it (cancelled if it failed). */
    private void registered(Future<? super IoRegistration> future) {
        List<IoUringOps.Queued> waiting = unregistered;
        unregistered = null;
        if (waiting == null) {
            return;                      // the loop terminated first (ringTerminated reported them)
        }
        if (future.isSuccess()) {
            IoRegistration reg = (IoRegistration) future.getNow();
            registration = reg;
            if (fileClosed) {
                reg.cancel();
            }
        } else {
            registrationFailed(future.cause());
        }
        for (IoUringOps.Queued op : waiting) {
            pacer.submit(op);   // -ECANCELED if it failed
        }
    }

    /** On the ring thread: cancels what is held back, then submits ASYNC_CANCEL for every slot not yet cancelled. */
    void cancelAll() {
        cancelHeldBack();
        IoRegistration reg = registration;
        if (reg == null && unregistered != null) {
            // Never seen by the kernel: cancelled here and now.
            List<IoUringOps.Queued> waiting = unregistered;
            unregistered = new ArrayList<>();
            for (IoUringOps.Queued op : waiting) {
                delivery.deliver(op.done(), -ECANCELED);
            }
            return;
        }
        if (reg == null || !reg.isValid()) {
            return;
        }
        for (int slot = used.nextSetBit(0); slot >= 0; slot = used.nextSetBit(slot + 1)) {
            if (cancelled[slot]) {
                continue;
            }
            cancelled[slot] = true;
            try {
                reg.submit(IoUringOps.asyncCancel(ids[slot], CANCEL_TAG));
            } catch (Throwable cause) {
                logger.debug("io_uring cancel submission failed", cause);
                return;
            }
        }
    }

    /** Reports every held-back submission cancelled: the kernel never saw them. */
    private void cancelHeldBack() {
        for (IoUringOps.Queued op; (op = pacer.pollHeldBack()) != null; ) {
            delivery.deliver(op.done(), -ECANCELED);
        }
    }

    /** Netty, on the ring thread: a completion of this file; never throws. */
    @Override
    public void handle(IoRegistration registration, IoEvent ioEvent) {
        try {
            pacer.completionArrived();
            IoUringIoEvent event = (IoUringIoEvent) ioEvent;
            if (event.opcode() == IoUringOps.IORING_OP_ASYNC_CANCEL) {
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
            FileEngine.Completion done = dones[slot];
            dones[slot] = null;
            used.clear(slot);
            inFlight--;
            delivery.deliver(done, event.res());
        } catch (Throwable cause) {
            logger.warn("Unexpected exception handling an io_uring completion", cause);
        }
    }

    /**
     * Netty, on the ring thread, when the ring's loop shuts down: cancels everything in flight, then the
     * registration (so nothing new is submitted). Completions still arrive until Netty's drain ends (200 ms).
     * May be called more than once; never throws.
     */
    @Override
    public void close() {
        try {
            if (!handleClosed) {
                handleClosed = true;
                cancelHeldBack();
                if (inFlight > 0) {
                    logger.debug("io_uring loop {} shutting down with {} file operation(s) in flight; cancelling",
                            ringLoop, inFlight);
                    cancelAll();
                }
            }
            IoRegistration reg = registration;
            if (reg != null) {
                reg.cancel();
            }
        } catch (Throwable cause) {
            logger.warn("Unexpected exception closing an io_uring file handle", cause);
        }
    }

    /**
     * The file was closed (its loop, or any thread once that is gone): cancels the registration now or, if pending,
     * once it completes; Netty removes it after the last outstanding completion. Thread-safe; never throws.
     */
    void fileClosed() {
        fileClosed = true;
        IoRegistration reg = registration;
        if (reg != null) {
            try {
                reg.cancel();
            } catch (RuntimeException failure) {
                logger.debug("Cancelling the io_uring registration failed", failure);
            }
        }
    }

    /**
     * After the ring's loop terminated (any thread): reports cancelled what the kernel never saw; warns about the
     * stranded operations and pins their completions (and the memory they hold) in {@link #STRANDED}, since the
     * kernel may still finish them and no completion will say when: a deliberate leak, not one for the garbage
     * collector and the leak detector to stumble on. Then runs the {@link #whenStranded} listener.
     */
    void ringTerminated() {
        List<IoUringOps.Queued> never = unregistered;
        if (never != null) {
            // The registration task never ran (dropped as the loop terminated): the kernel never saw these.
            unregistered = null;
            for (IoUringOps.Queued op : never) {
                op.done().complete(-ECANCELED);
            }
        }
        // Held back, their drain task dropped as the loop terminated: never submitted either. The delivery hands
        // them to the file's loop, which may well be alive (or runs them here if it is not).
        cancelHeldBack();
        int stranded = inFlight;
        if (stranded > 0) {
            logger.warn("io_uring loop {} terminated with {} file operation(s) still in flight: their "
                    + "completions will never be reported and their buffers stay pinned", ringLoop, stranded);
            // The ring thread has terminated (its termination future orders its writes before this read).
            for (FileEngine.Completion done : dones) {
                if (done != null) {
                    STRANDED.add(done);
                }
            }
            Runnable listener = strandedListener;
            if (listener != null) {
                try {
                    listener.run();
                } catch (Throwable cause) {
                    logger.warn("A listener for stranded operations threw", cause);
                }
            }
        }
    }
}

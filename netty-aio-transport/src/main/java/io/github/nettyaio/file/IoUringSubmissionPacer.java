/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.AioProperties;
import io.netty.channel.IoEventLoop;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Paces one file's submissions to its ring: at most {@code chunk} new SQEs per iteration of the ring's loop, the
 * rest held back, in order, and submitted in the next iterations by a task scheduled with no delay. Confined to
 * the ring's loop thread; once that loop takes no more tasks, held-back operations are submitted at once (and
 * report what {@link IoUringFileHandle#submit} reports).
 *
 * <p>Why pace at all:
 * <ul>
 * <li>A device may complete a batch of requests submitted together all at once, when the slowest is done (a
 * virtio disk whose host coalesces per kick does). A loop that then refills the whole queue in one
 * {@code io_uring_enter} keeps it in lock step: the queue drains before it is refilled and every batch waits for
 * its slowest member. Submitted a few at a time, requests stay staggered, as fio's default of one submission per
 * {@code io_uring_enter} keeps them. O_DIRECT reads go to the device from the {@code io_uring_enter} that submits
 * them, so this is where pacing them matters ({@link #O_DIRECT_CHUNK}); buffered reads that miss the page cache
 * are handed to io-wq workers, which issue them one by one anyway.</li>
 * <li>Page-cache reads complete inside the {@code io_uring_enter} that submits them, so on a shared ring a batch
 * submitted whole comes back whole: the file's loop would sit idle while the ring thread reads, and the other way
 * round. In chunks ({@link #SHARED_RING_CHUNK} of each hand-over at once), the first completions travel back
 * while the ring reads the next ones. On the file's own ring there is nothing to overlap: buffered files are not
 * paced there.</li>
 * </ul>
 * The cost is one non-blocking loop iteration per chunk held back.
 *
 * <p>It is critical that every submission of the file go through {@link #submit}: one that bypassed the backlog
 * would overtake the operations held back before it.
 */
final class IoUringSubmissionPacer {
    /**
     * System property: the most new submissions one file gives the kernel per iteration of its ring's loop, for
     * every file (default: see {@link #chunkFor}).
     */
    static final String SUBMIT_CHUNK_PROPERTY = AioProperties.URING_SUBMIT_CHUNK;
    /** {@link #SUBMIT_CHUNK_PROPERTY}, read once rather than at every open (0: not set). */
    private static final int FORCED_CHUNK = AioProperties.uringSubmitChunk();
    /**
     * O_DIRECT files: 2, the most SQEs one {@code io_uring_enter} submits without plugging ({@code need_plug =
     * max_ios > 2} in the kernel's {@code io_submit_state_start}), so each request reaches the device on its own,
     * as fio's (one submission per {@code io_uring_enter}) do.
     */
    static final int O_DIRECT_CHUNK = 2;
    /** Buffered files on a shared ring: 16 of each hand-over now, the rest in later iterations. */
    static final int SHARED_RING_CHUNK = 16;
    /** Buffered files on their loop's own ring: not paced. */
    static final int UNPACED = Integer.MAX_VALUE;

    private final IoEventLoop ringLoop;
    private final IoUringFileHandle handle;
    /** The most new submissions per iteration of the ring's loop. */
    private final int chunk;
    /** Submissions held back, which the kernel hasn't seen yet, oldest first. */
    private final ArrayDeque<IoUringOps.Queued> heldBack = new ArrayDeque<>();
    /** A {@link #drain} is scheduled to submit the next chunk of {@link #heldBack}. */
    private boolean drainScheduled;
    /**
     * How many of this file's SQEs were queued since Netty's last {@code io_uring_enter} took the submission
     * queue, as far as this pacer can tell (it may overcount, which only holds back more): reset by the first
     * completion of a loop iteration ({@link #turnStarted}) and by {@link #drain}.
     */
    private int queuedThisTurn;
    /** A completion was handled in this iteration of the loop; cleared by {@link #endTurn}, a task of it. */
    private boolean turnStarted;
    private final Runnable endTurn = () -> turnStarted = false;
    private final Runnable scheduleDrainTask = this::scheduleDrain;
    private final Runnable drainTask = this::drain;

    /**
     * @param ringLoop the loop whose ring {@code handle} is registered with
     * @param chunk    the most new submissions per iteration ({@link #chunkFor})
     * @param handle   where submissions go once they may
     */
    IoUringSubmissionPacer(IoEventLoop ringLoop, int chunk, IoUringFileHandle handle) {
        this.ringLoop = ringLoop;
        this.chunk = chunk;
        this.handle = handle;
    }

    /**
     * The chunk for a file: the system property if set; else {@link #O_DIRECT_CHUNK} for an {@code oDirect} file,
     * {@link #SHARED_RING_CHUNK} for a buffered file on a shared ring, and {@link #UNPACED} for a buffered file
     * on its loop's own ring (page-cache reads complete inside the {@code io_uring_enter} that submits them: a
     * whole batch per call is cheapest, and the loop has nothing else to overlap them with).
     */
    static int chunkFor(boolean oDirect, boolean sharedRing) {
        if (FORCED_CHUNK > 0) {
            return FORCED_CHUNK;
        }
        return oDirect ? O_DIRECT_CHUNK : sharedRing ? SHARED_RING_CHUNK : UNPACED;
    }

    /**
     * On the ring thread: submits an operation now, or holds it back, in order, for a later iteration of the
     * ring's loop when {@code chunk} of this file's SQEs are already queued for the coming {@code io_uring_enter}
     * or older ones wait.
     */
    void submit(byte opcode, int fd, long offset, long address, int length, int opFlags,
                FileEngine.Completion done) {
        if (heldBack.isEmpty() && queuedThisTurn < chunk) {
            queuedThisTurn++;
            handle.submit(opcode, fd, offset, address, length, opFlags, done);
            return;
        }
        heldBack.add(new IoUringOps.Queued(opcode, fd, offset, address, length, opFlags, done));
        armDrain();
    }

    /** As {@link #submit(byte, int, long, long, int, int, FileEngine.Completion)}, for a queued operation. */
    void submit(IoUringOps.Queued op) {
        submit(op.opcode(), op.fd(), op.offset(), op.address(), op.length(), op.opFlags(), op.done());
    }

    /**
     * Shared ring, on the ring thread: paces a batch handed over from the file's loop, in order. A hand-over
     * is one burst of the file's loop: unless older submissions still wait, its first chunk goes at once.
     */
    void submitHandedOver(List<IoUringOps.Queued> batch) {
        if (heldBack.isEmpty()) {
            queuedThisTurn = 0;
        }
        for (IoUringOps.Queued op : batch) {
            submit(op);
        }
    }

    /**
     * On the ring thread, for every completion of the file: the first of a loop iteration starts a new turn (the
     * {@code io_uring_enter} before it took every SQE queued so far).
     */
    void completionArrived() {
        if (!turnStarted && chunk != UNPACED) {
            turnStarted = true;
            queuedThisTurn = 0;
            try {
                ringLoop.execute(endTurn);
            } catch (RejectedExecutionException rejected) {
                turnStarted = false;         // shutting down: every completion starts a turn
            }
        }
    }

    /** On the ring thread (or any, once it terminated): removes and returns the oldest held-back operation. */
    IoUringOps.Queued pollHeldBack() {
        return heldBack.poll();
    }

    /** For tests, on the ring thread: how many submissions are held back now. */
    int heldBack() {
        return heldBack.size();
    }

    /**
     * Makes {@link #drain} run in the loop's next iteration, after its {@code io_uring_enter} took what is
     * queued now: a task scheduled with no delay runs in the first round of tasks that starts after it was
     * scheduled, so it is scheduled from a task ({@link #scheduleDrain}), whether {@link #submit} was called
     * while Netty processed completions or from a task.
     */
    private void armDrain() {
        if (drainScheduled) {
            return;
        }
        drainScheduled = true;
        try {
            ringLoop.execute(scheduleDrainTask);
        } catch (RejectedExecutionException rejected) {
            submitAllHeldBack();
        }
    }

    private void scheduleDrain() {
        try {
            ringLoop.schedule(drainTask, 0, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException rejected) {
            submitAllHeldBack();
        }
    }

    /** A new iteration: submits the next {@code chunk} held-back operations; re-arms if more wait. */
    private void drain() {
        drainScheduled = false;
        queuedThisTurn = 0;
        while (queuedThisTurn < chunk) {
            IoUringOps.Queued op = heldBack.poll();
            if (op == null) {
                return;
            }
            queuedThisTurn++;
            submitToHandle(op);
        }
        if (!heldBack.isEmpty()) {
            armDrain();
        }
    }

    /** The loop is shutting down and takes no tasks: the handle reports what it can no longer submit. */
    private void submitAllHeldBack() {
        drainScheduled = false;
        for (IoUringOps.Queued op; (op = heldBack.poll()) != null; ) {
            submitToHandle(op);
        }
    }

    private void submitToHandle(IoUringOps.Queued op) {
        handle.submit(op.opcode(), op.fd(), op.offset(), op.address(), op.length(), op.opFlags(), op.done());
    }
}

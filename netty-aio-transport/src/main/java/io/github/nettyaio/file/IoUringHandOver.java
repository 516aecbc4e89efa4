/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.sys.internal.Errno;
import io.netty.channel.IoEventLoop;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The two hops of a file whose loop is not an io_uring loop (NIO, epoll, ...) and whose handle is therefore on a
 * ring of the {@link SharedIoUringLoop}: submissions go to the ring thread with {@code ringLoop.execute}, and
 * completions come back with {@code fileLoop.execute}. Both travel in batches, one task per burst of submissions
 * (all those issued by one task of the file's loop) and one per burst of completions, so each thread wakes the
 * other once per batch rather than once per operation. Completions run on the file's loop; once that loop takes
 * no more tasks they run on the ring thread. A hand-over the ring's loop rejects reports {@code -ECANCELED}.
 *
 * <p>It is critical that {@link #submit} be called on the file's loop and {@link #deliver} on the ring thread: each
 * side's batch is confined to its thread, without locks.
 */
final class IoUringHandOver implements IoUringFileHandle.Delivery {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IoUringHandOver.class);
    private static final int ECANCELED = Errno.LINUX_ECANCELED;

    private final IoEventLoop fileLoop;
    private final IoEventLoop ringLoop;
    private final IoUringFileHandle handle;
    /** Submissions not yet handed to the ring thread; confined to the file's loop. */
    private List<IoUringOps.Queued> toRing = new ArrayList<>();
    /** Completions not yet handed back to the file's loop; confined to the ring thread. */
    private Completions fromRing = new Completions();
    /** Operations handed (or queued) to the ring whose completion has not run; file's loop only. */
    private int onRing;
    private final Runnable handOverTask = this::handOverSubmissions;
    private final Runnable handBackTask = this::handBackCompletions;
    private final Runnable cancelTask;

    /**
     * Creates the hand-over and the file's handle on {@code ringLoop}, a loop of the shared group.
     *
     * @param submitChunk the pacing chunk of the handle ({@link IoUringSubmissionPacer#chunkFor})
     */
    IoUringHandOver(IoEventLoop fileLoop, IoEventLoop ringLoop, int submitChunk) {
        this.fileLoop = fileLoop;
        this.ringLoop = ringLoop;
        this.handle = new IoUringFileHandle(ringLoop, submitChunk, this);
        this.cancelTask = handle::cancelAll;
    }

    /** The file's handle, registered lazily with the shared ring by the first hand-over. */
    IoUringFileHandle handle() {
        return handle;
    }

    /** On the file's loop: how many operations are on the ring (handed over or queued, not yet completed). */
    int onRing() {
        return onRing;
    }

    /**
     * On the file's loop: queues a submission for the next hand-over, which runs after the task submitting now.
     * On the ring thread (only when the file's loop is gone and a completion issued it here) it goes to the pacer
     * at once rather than touch the file loop's queue from this thread.
     */
    void submit(byte opcode, int fd, long offset, long address, int length, int opFlags,
                FileEngine.Completion done) {
        if (ringLoop.inEventLoop()) {
            handle.pacer().submit(opcode, fd, offset, address, length, opFlags, done);
            return;
        }
        toRing.add(new IoUringOps.Queued(opcode, fd, offset, address, length, opFlags, done));
        onRing++;
        if (toRing.size() == 1) {
            // One hand-over per batch: runs after the task that is submitting now (and whatever else that task
            // submits), on this same loop, so the ring thread is woken once per batch, not once per operation.
            executeOrRunNow(fileLoop, handOverTask);
        }
    }

    /**
     * On the file's loop: hands what is queued over, then asks the ring thread to cancel everything of the file
     * (the queued submissions reach the ring first, both being tasks of its loop, so the cancel covers them too).
     */
    void cancelAll() {
        handOverSubmissions();
        try {
            ringLoop.execute(cancelTask);
        } catch (RejectedExecutionException rejected) {
            logger.debug("Shared io_uring loop {} rejected a cancel", ringLoop, rejected);
        }
    }

    /** On the file's loop: hands every queued submission to the ring thread in one task. */
    private void handOverSubmissions() {
        List<IoUringOps.Queued> batch = toRing;
        if (batch.isEmpty()) {
            return;
        }
        toRing = new ArrayList<>();
        try {
            ringLoop.execute(() -> handle.submitHandedOver(batch));
        } catch (RejectedExecutionException rejected) {
            // The kernel never saw them: safe to report.
            logger.debug("Shared io_uring loop {} rejected {} submission(s)", ringLoop, batch.size(), rejected);
            onRing -= batch.size();
            for (IoUringOps.Queued op : batch) {
                op.done().complete(-ECANCELED);
            }
        }
    }

    /** On the ring thread: queues {@code result} for the next hand-back to the file's loop. */
    @Override
    public void deliver(FileEngine.Completion done, long result) {
        fromRing.add(done, result);
        if (fromRing.size() == 1) {
            // One hand-back per batch of completions: Netty runs this task after those it is processing now.
            executeOrRunNow(ringLoop, handBackTask);
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
                onRing -= batch.size();
                batch.run();
            });
        } catch (RejectedExecutionException rejected) {
            // The file's loop is gone but the kernel is done with the memory: complete here, on the ring
            // thread, so AioFile can release the buffer and close the descriptor (FileEngine's contract).
            logger.debug("{} shut down: completing on the ring thread", fileLoop);
            batch.run();
        }
    }

    /** Runs {@code task} as a task of {@code loop}, or right here when the loop no longer takes tasks. */
    private static void executeOrRunNow(IoEventLoop loop, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException rejected) {
            task.run();
        }
    }

    /** Completions waiting on the ring thread to be handed back to the file's loop. */
    private static final class Completions {
        private FileEngine.Completion[] dones = new FileEngine.Completion[16];
        private long[] results = new long[16];
        private int size;

        int size() {
            return size;
        }

        void add(FileEngine.Completion done, long result) {
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
                IoUringFileHandle.runCompletion(dones[i], results[i]);
            }
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.AioNotifier;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.internal.aiocb.AioRequest;
import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.PosixAio;
import io.github.nettyaio.sys.internal.Sigevents;
import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of reads and writes submitted with one {@code lio_listio(LIO_NOWAIT, ...)}, like mio-aio's
 * {@code LioCb}. Drive it with {@link io.github.nettyaio.Aio#newForLio}: its {@code ready()} completes on the
 * loop thread once every request the kernel accepted has finished; each request's outcome is then read with
 * {@link #result(int)}, which throws its errno. Confined to the event loop thread once registered.
 *
 * <pre>{@code
 * LioListio lio = new LioListio();
 * int r = lio.addRead(fd, 0, dst);
 * int w = lio.addWrite(fd, 4096, src);
 * Aio<LioListio> aio = Aio.newForLio(loop, lio);
 * lio.submit();
 * // when aio.ready() fires: if (lio.refused() > 0) { aio.clearReady(event); lio.resubmitRemaining(); wait again }
 * long read = lio.result(r);   // per request; throws its errno
 * long written = lio.result(w);
 * // reuse (Tokio's lio "reuse"): every result was read, so the same batch may run again
 * aio.clearReady(event);
 * lio.submit();                // dst from its current writerIndex, src's current readable bytes
 * }</pre>
 *
 * <p>Partial acceptance is reported, never lost: entries {@code lio_listio} refused ({@code EAGAIN}) wait for
 * {@link #resubmitRemaining()}; the accepted ones (running, finished or failed) are reaped exactly once by
 * {@link #result(int)}. The batch is <em>idle</em> before its first {@link #submit()} and again once every
 * accepted request's result was read and none awaits resubmission. An idle batch may grow ({@link #addRead},
 * {@link #addWrite}) and be submitted again; each round stages the buffers as of its {@link #submit()} and gets
 * fresh control blocks and list array, so no round touches memory an earlier one handed to the kernel.
 *
 * <p>It is critical to read {@link #result(int)} for every accepted request, failed ones included: until then
 * its buffers stay retained and the batch can't be submitted again.
 */
public final class LioListio implements AioSource {
    private final Abi abi = Platform.abi();
    private final AbiConstants constants = abi.constants();
    /** One request per entry; its {@link AioRequest.State} is the entry's state in the current round. */
    private final List<AioRequest> entries = new ArrayList<>();
    /** This round's list arrays, kept until its last entry is reaped: FreeBSD identifies EVFILT_LIO by them. */
    private final List<Long> listArrays = new ArrayList<>();
    private AioNotifier notifier;
    private long token;
    /** Whether {@link #submit()} ever got as far as staging the batch. */
    private boolean submitted;

    /** Creates an empty batch. */
    public LioListio() {
    }

    @Override
    public void register(AioNotifier notifier, long token) {
        this.notifier = notifier;
        this.token = token;
    }

    @Override
    public void deregister() {
        this.notifier = null;
    }

    /**
     * Adds a read of up to {@code dst.writableBytes()} (as of the next {@link #submit()}) at {@code offset};
     * returns its index. Only while the batch is idle (see the class description), on the loop thread once
     * registered.
     *
     * @throws IllegalStateException    a request's result is unread, or a request awaits
     *                                  {@link #resubmitRemaining()} (the batch is unchanged)
     * @throws IllegalArgumentException {@code offset} is negative
     */
    public int addRead(FileDescriptor fd, long offset, ByteBuf dst) {
        checkIdle("add a request");
        return add(new AioRead(fd, offset, dst).request());
    }

    /**
     * Adds a write of {@code src}'s readable bytes (as of the next {@link #submit()}) at {@code offset};
     * returns its index. Only while the batch is idle (see the class description), on the loop thread once
     * registered.
     *
     * @throws IllegalStateException    a request's result is unread, or a request awaits
     *                                  {@link #resubmitRemaining()} (the batch is unchanged)
     * @throws IllegalArgumentException {@code offset} is negative
     */
    public int addWrite(FileDescriptor fd, long offset, ByteBuf src) {
        checkIdle("add a request");
        return add(new AioWrite(fd, offset, src).request());
    }

    private int add(AioRequest request) {
        entries.add(request);
        return entries.size() - 1;
    }

    /**
     * Fails unless the batch is idle: nothing of it in flight or unread, nothing refused. Changes nothing.
     */
    private void checkIdle(String what) {
        for (int i = 0; i < entries.size(); i++) {
            switch (entries.get(i).state()) {
                case IN_FLIGHT:
                    throw new IllegalStateException("can't " + what + ": the result of request " + i
                            + " is unread (in flight or not reaped); read result(" + i + ") first");
                case PREPARED:
                    throw new IllegalStateException("can't " + what + ": request " + i
                            + " was refused (EAGAIN) and awaits resubmitRemaining()");
                default:
                    break;
            }
        }
    }

    /** The number of requests in the batch. */
    public int size() {
        return entries.size();
    }

    /**
     * Submits every request with {@code lio_listio(LIO_NOWAIT)}, staging each buffer as of now: a read fills
     * {@code dst} from its writer index for its writable bytes, a write sends {@code src}'s readable bytes
     * (heap and composite buffers through direct staging memory). Legal while the batch is idle (see the class
     * description): first, and again after {@link #result(int)} was read for every request, to reuse the batch;
     * when driven by an {@link io.github.nettyaio.Aio}, call {@code aio.clearReady(event)} before submitting
     * again. Loop thread only once registered.
     *
     * @throws IllegalStateException                     the batch is empty, a request's result is unread (the
     *                                                   message names it), or a request awaits
     *                                                   {@link #resubmitRemaining()}; nothing in flight is
     *                                                   touched
     * @throws io.netty.util.IllegalReferenceCountException a buffer was already released (nothing submitted)
     * @throws IllegalArgumentException                  a read into a read-only buffer (nothing submitted)
     * @throws IOException                               {@code EAGAIN} when the kernel accepted no entry at all
     *                                                   (nothing in flight, no notification will come; every
     *                                                   entry awaits {@link #resubmitRemaining()}), or the
     *                                                   errno that made it reject the whole list
     *                                                   (e.g. {@code EINVAL}; nothing in flight, the batch is
     *                                                   idle again)
     */
    public void submit() throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalStateException("empty batch");
        }
        checkIdle("submit " + this + " again");
        // Every entry is NEW or REAPED: its previous control block (if any) was freed when its result was read,
        // and the list arrays of the previous round were freed with the last of them. This round gets new ones.
        List<AioRequest> batch = new ArrayList<>(entries);
        stageAll(batch);
        submitted = true;
        int accepted = submitBatch(batch);
        if (accepted == 0) {
            throw Errno.newException("lio_listio", describe(), constants.EAGAIN);
        }
    }

    /**
     * Resubmits the requests the kernel refused, in a new {@code lio_listio}.
     *
     * @return how many were accepted now (0 when nothing was refused)
     * @throws IOException {@code EAGAIN} when the kernel refused every one of them and nothing else is in
     *                     flight (so no notification will come)
     */
    public int resubmitRemaining() throws IOException {
        List<AioRequest> batch = new ArrayList<>();
        for (AioRequest entry : entries) {
            if (entry.state() == AioRequest.State.PREPARED) {
                batch.add(entry);
            }
        }
        if (batch.isEmpty()) {
            return 0;
        }
        int accepted = submitBatch(batch);
        if (accepted == 0 && inFlight() == 0) {
            throw Errno.newException("lio_listio", describe(), constants.EAGAIN);
        }
        return accepted;
    }

    /** Stages buffers and prepares control blocks for every entry, or for none at all. */
    private static void stageAll(List<AioRequest> batch) {
        int done = 0;
        try {
            for (AioRequest entry : batch) {
                entry.prepareListEntry();
                done++;
            }
        } catch (RuntimeException | Error failure) {
            for (int i = 0; i < done; i++) {
                batch.get(i).unprepare();
            }
            throw failure;
        }
    }

    /** One lio_listio over {@code batch}; classifies entries; returns how many were accepted. */
    private int submitBatch(List<AioRequest> batch) throws IOException {
        int count = batch.size();
        long list = NativeMemory.allocateZeroed(8L * count);
        long sig = Sigevents.allocate(abi);
        try {
            for (int i = 0; i < count; i++) {
                AioRequest entry = batch.get(i);
                NativeMemory.putLong(list + 8L * i, entry.controlBlock().address());
                entry.markListed();
            }
            AioNotifier current = notifier;
            if (current != null) {
                current.armList(sig, token);
            } else {
                Sigevents.writeNone(abi, sig);
            }
            int rc = PosixAio.lio_listio(constants.LIO_NOWAIT, list, count, sig);
            int errno = rc == 0 ? 0 : LibC.errno();
            List<AioControlBlock> accepted = new ArrayList<>(count);
            if (rc == 0) {
                for (AioRequest entry : batch) {
                    accepted.add(entry.controlBlock());
                }
            } else if (errno == constants.EAGAIN || errno == Errno.EIO || errno == Errno.EINTR) {
                for (AioRequest entry : batch) {
                    if (entry.error() == constants.EAGAIN) {
                        entry.markRefused();
                    } else {
                        accepted.add(entry.controlBlock());
                    }
                }
            } else {
                // The whole list was rejected (EINVAL: too many entries, ...): nothing was queued.
                for (AioRequest entry : batch) {
                    entry.markRejected();
                }
                throw Errno.newException("lio_listio", describe(), errno);
            }
            if (!accepted.isEmpty()) {
                listArrays.add(list);
                list = 0;
                if (current != null) {
                    current.submitted(token, accepted.toArray(new AioControlBlock[0]));
                }
            }
            return accepted.size();
        } finally {
            NativeMemory.free(sig);
            NativeMemory.free(list);
        }
    }

    /**
     * Whether every request the current round's submissions accepted has finished and none awaits resubmission
     * (also true once their results were read).
     *
     * @throws IllegalStateException the batch was never submitted
     */
    public boolean isComplete() {
        if (!submitted) {
            throw new IllegalStateException("the batch was not submitted");
        }
        for (AioRequest entry : entries) {
            if (entry.state() == AioRequest.State.PREPARED || entry.inProgress()) {
                return false;
            }
        }
        return true;
    }

    /** How many requests the kernel refused ({@code EAGAIN}) and were not resubmitted yet. */
    public int refused() {
        int refused = 0;
        for (AioRequest entry : entries) {
            if (entry.state() == AioRequest.State.PREPARED) {
                refused++;
            }
        }
        return refused;
    }

    /**
     * Reaps request {@code i} ({@code aio_return}) and returns the bytes it transferred, moving its buffer's
     * index; exactly once per request and round. Frees the request's control block (and, with the round's last
     * one, its list arrays); once every request's result is read the batch may be {@link #submit()}ted again.
     *
     * @throws IndexOutOfBoundsException no such request
     * @throws IllegalStateException     not submitted in this round, refused (call {@link #resubmitRemaining()}),
     *                                   still in progress, or already read
     * @throws IOException               the request's errno (e.g. {@code EBADF}); its buffer is unchanged, and
     *                                   its result counts as read
     */
    public long result(int i) throws IOException {
        AioRequest entry = entries.get(i);
        switch (entry.state()) {
            case NEW:
                throw new IllegalStateException("request " + i + " was not submitted");
            case PREPARED:
                throw new IllegalStateException("request " + i + " was refused (EAGAIN): resubmitRemaining() first");
            case REAPED:
                throw new IllegalStateException("result(" + i + ") was already read");
            default:
                break;
        }
        if (entry.inProgress()) {
            throw new IllegalStateException("request " + i + " is still in progress");
        }
        try {
            return entry.reapOrThrow();
        } finally {
            releaseListsIfIdle();
        }
    }

    private int inFlight() {
        int inFlight = 0;
        for (AioRequest entry : entries) {
            if (entry.state() == AioRequest.State.IN_FLIGHT) {
                inFlight++;
            }
        }
        return inFlight;
    }

    private void releaseListsIfIdle() {
        if (inFlight() == 0) {
            for (long array : listArrays) {
                NativeMemory.free(array);
            }
            listArrays.clear();
        }
    }

    /** The control block request {@code i} is submitted with in the current round, or null. For tests. */
    AioControlBlock controlBlockForTest(int i) {
        return entries.get(i).controlBlock();
    }

    private String describe() {
        return entries.size() + " requests";
    }

    @Override
    public String toString() {
        return "LioListio(" + describe() + ")";
    }
}

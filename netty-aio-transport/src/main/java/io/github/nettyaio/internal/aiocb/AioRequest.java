/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.aiocb;

import io.github.nettyaio.AioNotifier;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.internal.StagedBuffers;
import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.PosixAio;
import io.github.nettyaio.sys.internal.StructLayout;
import io.netty.buffer.ByteBuf;

import java.io.IOException;

/**
 * One POSIX AIO request and the life cycle of its control block, for every aiocb user of netty-aio (the
 * sources, {@code LioListio}'s entries, the POSIX AIO file engine): stage the memory, fill a fresh aiocb, arm
 * its notification, submit it alone or as an {@code lio_listio} entry, poll {@code aio_error}, reap with
 * {@code aio_return}, cancel. Not API: public only for netty-aio's own packages.
 *
 * <p>While the kernel owns the control block, the block pins this request and so the memory it staged: the
 * caller's {@link ByteBuf}s are retained, heap ones copied through direct staging memory; {@link #reap()}
 * releases them (after a read, copying back and moving the writer indices). Confined to one thread at a time,
 * the event loop's once an {@link io.github.nettyaio.Aio} drives it (it is an {@link AioSource} for that).
 * Failures: a submission's errno is returned ({@link #trySubmit()}) or thrown ({@link #submit()}); the
 * request's own errno comes from {@link #reap()}; misuse of the life cycle throws {@link IllegalStateException}.
 *
 * <p>It is critical that every submitted request is reaped exactly once, also after a cancel or once its
 * {@code Aio} is gone: until then its control block and buffers stay pinned.
 */
public final class AioRequest implements AioSource {
    /** Where a request is in its life cycle. */
    public enum State {
        /** Never submitted, or the last list it was part of was rejected as a whole. */
        NEW,
        /** Staged with a control block, not in flight: about to enter a list, or refused by one. */
        PREPARED,
        /** Owned by the kernel until {@link #reap()}. */
        IN_FLIGHT,
        /** Reaped; it may be submitted again. */
        REAPED
    }

    private final Abi abi;
    private final AbiConstants constants;
    private final AioControlBlock.Op op;
    private final int fd;
    private final String target;
    private final long offset;
    /** The caller's buffers, staged at each submission; null for caller-owned memory or a sync. */
    private final ByteBuf[] bufs;
    private final long address;
    private final long length;
    private AioNotifier notifier;
    private long token;
    private StagedBuffers staged;
    private AioControlBlock cb;
    private State state = State.NEW;
    /** The state {@link #unprepare()} goes back to: {@link State#NEW} or {@link State#REAPED}. */
    private State idleState = State.NEW;

    private AioRequest(AioControlBlock.Op op, int fd, String target, long offset, ByteBuf[] bufs, long address,
            long length) {
        this.abi = Platform.abi();
        this.constants = abi.constants();
        this.op = op;
        this.fd = fd;
        this.target = target;
        this.offset = offset;
        this.bufs = bufs;
        this.address = address;
        this.length = length;
    }

    /**
     * A read into {@code bufs} in order (from their writer indices, for their writable bytes) or a write of their
     * readable bytes, at {@code offset}, as of each submission. The array is used as is: don't change it.
     *
     * @param target the path or fd description for error messages
     * @throws UnsupportedOperationException where netty-aio has no ABI for the platform
     */
    public static AioRequest forBuffers(int fd, String target, long offset, boolean read, ByteBuf[] bufs) {
        AioControlBlock.Op op = read ? AioControlBlock.Op.READ : AioControlBlock.Op.WRITE;
        return new AioRequest(op, fd, target, offset, bufs, 0, 0);
    }

    /**
     * A read ({@link AioControlBlock.Op#READ}) or write ({@link AioControlBlock.Op#WRITE}) of {@code length}
     * bytes at {@code address}, memory the caller keeps allocated until the request is reaped.
     *
     * @throws IllegalArgumentException      {@code op} is not a read or a write
     * @throws UnsupportedOperationException where netty-aio has no ABI for the platform
     */
    public static AioRequest forMemory(AioControlBlock.Op op, int fd, String target, long offset, long address,
            long length) {
        if (op != AioControlBlock.Op.READ && op != AioControlBlock.Op.WRITE) {
            throw new IllegalArgumentException("not a read or a write: " + op);
        }
        return new AioRequest(op, fd, target, offset, null, address, length);
    }

    /** An {@code aio_fsync}: {@code O_DSYNC} when {@code dataOnly}, else {@code O_SYNC}; needs the platform's ABI. */
    public static AioRequest forSync(int fd, String target, boolean dataOnly) {
        AioControlBlock.Op op = dataOnly ? AioControlBlock.Op.FDATASYNC : AioControlBlock.Op.FSYNC;
        return new AioRequest(op, fd, target, 0, null, 0, 0);
    }

    /** Keeps the notifier that {@link #submit()} and {@link #cancel()} report to (loop thread). */
    @Override
    public void register(AioNotifier notifier, long token) {
        this.notifier = notifier;
        this.token = token;
    }

    /** Forgets the notifier; a request in flight still has to be reaped (loop thread). */
    @Override
    public void deregister() {
        this.notifier = null;
    }

    /** Where the request is in its life cycle. */
    public State state() {
        return state;
    }

    /** The control block of the current submission (prepared or in flight), else null. */
    public AioControlBlock controlBlock() {
        return cb;
    }

    /**
     * Submits the request alone ({@code aio_read}, {@code aio_write}, {@code aio_fsync}); buffers are staged as
     * of now. Reports to the registered notifier, if any.
     *
     * @throws IOException           the submission's errno (e.g. {@code EAGAIN}); nothing is then in flight
     * @throws IllegalStateException the request is prepared or in flight
     * @throws io.netty.util.IllegalReferenceCountException a buffer was already released (nothing submitted)
     * @throws IllegalArgumentException a read into a read-only buffer (nothing submitted)
     */
    public void submit() throws IOException {
        int errno = trySubmit();
        if (errno != 0) {
            throw Errno.newException(op.function(), target, errno);
        }
    }

    /**
     * {@link #submit()}, reporting the submission's errno as a value: 0 when the request is in flight, else the
     * errno (nothing is then in flight, the state unchanged). Throws as {@link #submit()} does otherwise.
     */
    public int trySubmit() {
        prepare(constants.LIO_NOP);
        AioControlBlock block = cb;
        AioNotifier current = notifier;
        int errno;
        try {
            if (current != null) {
                current.arm(block, token);
            }
            errno = block.trySubmit(op, this);
        } catch (RuntimeException | Error failure) {
            unprepare();
            throw failure;
        }
        if (errno != 0) {
            unprepare();
            return errno;
        }
        state = State.IN_FLIGHT;
        if (current != null) {
            current.submitted(token, block);
        }
        return 0;
    }

    /**
     * Stages the buffers and fills a fresh control block as an {@code lio_listio} entry ({@code LIO_READ} or
     * {@code LIO_WRITE}); then {@link #markListed()} before {@code lio_listio}, or {@link #unprepare()}.
     *
     * @throws IllegalStateException the request is prepared or in flight, or is not a read or a write
     * @throws io.netty.util.IllegalReferenceCountException a buffer was already released (nothing changed)
     * @throws IllegalArgumentException a read into a read-only buffer (nothing changed)
     */
    public void prepareListEntry() {
        int opcode;
        if (op == AioControlBlock.Op.READ) {
            opcode = constants.LIO_READ;
        } else if (op == AioControlBlock.Op.WRITE) {
            opcode = constants.LIO_WRITE;
        } else {
            throw new IllegalStateException(this + " can't be an lio_listio entry");
        }
        prepare(opcode);
    }

    private void prepare(int lioOpcode) {
        if (state == State.PREPARED || state == State.IN_FLIGHT) {
            throw new IllegalStateException(this + " is already " + state);
        }
        stage();
        AioControlBlock block = null;
        try {
            block = AioControlBlock.allocate(abi);
            if (staged != null) {
                block.prepare(fd, offset, staged.address(), staged.length(), lioOpcode);
            } else {
                block.prepare(fd, offset, address, length, lioOpcode);
            }
        } catch (RuntimeException | Error failure) {
            if (block != null) {
                block.free();
            }
            unstage();
            throw failure;
        }
        cb = block;
        idleState = state;
        state = State.PREPARED;
    }

    /** Undoes {@link #prepareListEntry()} (the request must be prepared): frees the block, releases buffers. */
    public void unprepare() {
        requireState(State.PREPARED);
        AioControlBlock block = cb;
        cb = null;
        block.free();
        unstage();
        state = idleState;
    }

    /**
     * Hands the prepared entry to the kernel as part of a list, just before {@code lio_listio}: notification
     * {@code SIGEV_NONE} (the list's own sigevent notifies), pinned and in flight from now on; only when prepared.
     */
    public void markListed() {
        requireState(State.PREPARED);
        cb.notifyNone();
        cb.markSubmitted(this);
        state = State.IN_FLIGHT;
    }

    /**
     * {@code lio_listio} refused this entry ({@code aio_error} is {@code EAGAIN}, it never started): it stays
     * prepared, with its control block and buffers, for a later list.
     *
     * @throws IllegalStateException the request is not in flight
     */
    public void markRefused() {
        requireState(State.IN_FLIGHT);
        cb.markNotSubmitted();
        state = State.PREPARED;
    }

    /**
     * {@code lio_listio} rejected the whole list (nothing was queued): frees the control block, releases the
     * buffers, and the request is {@link State#NEW} again.
     *
     * @throws IllegalStateException the request is not in flight
     */
    public void markRejected() {
        markRefused();
        idleState = State.NEW;
        unprepare();
    }

    /** {@code aio_error}: 0 once done, {@code EINPROGRESS} while running, else the errno; only in flight. */
    public int error() {
        requireState(State.IN_FLIGHT);
        return cb.aioError();
    }

    /** Whether the request is in flight and still running ({@code aio_error == EINPROGRESS}). */
    public boolean inProgress() {
        return state == State.IN_FLIGHT && cb.aioError() == constants.EINPROGRESS;
    }

    /**
     * Reaps the finished request ({@code aio_return}) and frees its control block. On success the buffers are
     * completed (reads copy back; indices move by the count), on failure released unchanged.
     *
     * @return the bytes transferred (0 for a sync, and at or after EOF), or {@code -errno} of a failed request
     * @throws IllegalStateException the request is not in flight, or still in progress
     */
    public long reap() {
        requireState(State.IN_FLIGHT);
        int err = cb.aioError();
        if (err == constants.EINPROGRESS) {
            throw new IllegalStateException(this + " is still in progress");
        }
        AioControlBlock block = cb;
        long result = block.aioReturn();
        cb = null;
        state = State.REAPED;
        block.free();
        if (err != 0) {
            unstage();
            return -err;
        }
        complete(result);
        return result;
    }

    /**
     * {@link #reap()}, throwing a failed request's errno as an {@link IOException}, e.g. {@code aio_read(data.bin):
     * EBADF (Bad file descriptor)} (its buffers unchanged); {@link IllegalStateException} as {@link #reap()}.
     */
    public long reapOrThrow() throws IOException {
        long result = reap();
        if (result < 0) {
            throw Errno.newException(op.function(), target, (int) -result);
        }
        return result;
    }

    /**
     * Asks the kernel to cancel the request ({@code aio_cancel}) and tells the notifier it did. The request must
     * still be reaped once finished (a cancelled one fails with {@code ECANCELED}).
     *
     * @return {@code AIO_CANCELED}, {@code AIO_NOTCANCELED} or {@code AIO_ALLDONE} (also when not in flight)
     * @throws IOException the errno of {@code aio_cancel} (e.g. {@code EBADF})
     */
    public int cancel() throws IOException {
        if (state != State.IN_FLIGHT) {
            return constants.AIO_ALLDONE;
        }
        AioControlBlock block = cb;
        try {
            return block.cancel(fd, target);
        } finally {
            AioNotifier current = notifier;
            if (current != null) {
                current.cancelled(token, block);
            }
        }
    }

    /**
     * Blocks the calling thread in {@code aio_suspend} until the in-flight request has finished; for a thread
     * that is not an event loop's, once nobody will be notified of it any more (its loop shut down).
     *
     * @throws IllegalStateException the request is not in flight
     */
    public void awaitCompletion() {
        requireState(State.IN_FLIGHT);
        StructLayout timespec = abi.timespec();
        long list = NativeMemory.allocateZeroed(8);
        long timeout = NativeMemory.allocateZeroed(timespec.size());
        try {
            NativeMemory.putLong(list, cb.address());
            NativeMemory.putLong(timeout + timespec.offset("tv_sec"), 1); // 1 s per wait, as often as it takes
            while (cb.aioError() == constants.EINPROGRESS) {
                PosixAio.aio_suspend(list, 1, timeout);
            }
        } finally {
            NativeMemory.free(list);
            NativeMemory.free(timeout);
        }
    }

    private void requireState(State expected) {
        if (state != expected) {
            throw new IllegalStateException(this + " is " + state + ", not " + expected);
        }
    }

    private void stage() {
        if (bufs != null) {
            staged = op == AioControlBlock.Op.READ ? StagedBuffers.forRead(bufs) : StagedBuffers.forWrite(bufs);
        }
    }

    private void unstage() {
        StagedBuffers held = staged;
        staged = null;
        if (held != null) {
            held.release();
        }
    }

    private void complete(long result) {
        StagedBuffers held = staged;
        staged = null;
        if (held != null) {
            held.complete(result);
        }
    }

    @Override
    public String toString() {
        return op.function() + "(" + target + ", offset " + offset + ")";
    }
}

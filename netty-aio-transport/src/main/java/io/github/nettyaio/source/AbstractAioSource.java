/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.AioNotifier;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * What every single-request source shares: the control block's life cycle (allocated at {@link #submit()},
 * reaped and freed by {@link #result()}), notification arming, errno mapping and the state checks.
 * Subclasses only describe their request and what completing it means for their buffers.
 */
abstract class AbstractAioSource implements AioSource {
    final FileDescriptor fd;
    final String target;
    final AbiConstants constants;
    private AioNotifier notifier;
    private long token;
    private AioControlBlock cb;
    private boolean reaped;

    AbstractAioSource(FileDescriptor fd) {
        this.fd = Objects.requireNonNull(fd, "fd");
        this.target = PosixFileDescriptor.target(fd);
        this.constants = Platform.abi().constants();
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
     * Submits the request ({@code aio_read}, {@code aio_write}, ...). The request is defined now: buffer
     * indices and lengths are read at this moment. May be called again once {@link #result()} was read
     * (after {@code aio.clearReady(event)} when driven by an {@link io.github.nettyaio.Aio}).
     *
     * @throws IllegalStateException                     a request is in flight and not yet reaped
     * @throws ClosedChannelException                    the file descriptor is closed
     * @throws io.netty.util.IllegalReferenceCountException a buffer was already released
     * @throws IllegalArgumentException                  a read into a read-only buffer
     * @throws IOException                               the submission's errno (e.g. {@code EAGAIN}); then
     *                                                   nothing is in flight and no notification comes
     */
    public void submit() throws IOException {
        if (cb != null) {
            throw new IllegalStateException(this + " is in flight: read result() before submitting again");
        }
        if (!fd.isOpen()) {
            throw new ClosedChannelException();
        }
        stage();
        AioControlBlock block;
        try {
            block = AioControlBlock.allocate();
        } catch (RuntimeException | Error e) {
            unstage();
            throw e;
        }
        try {
            AioControlBlock.Op op = prepare(block);
            AioNotifier n = notifier;
            if (n != null) {
                n.arm(block, token);
            }
            block.submit(op, target, this);
            cb = block;
            reaped = false;
            if (n != null) {
                n.submitted(token, block);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (cb == null) {
                block.free();
                unstage();
            }
            throw e;
        }
    }

    /**
     * Whether the submitted request is still running ({@code aio_error == EINPROGRESS}); false when nothing
     * is in flight.
     */
    public boolean inProgress() {
        return cb != null && cb.aioError() == constants.EINPROGRESS;
    }

    /**
     * Reaps the finished request ({@code aio_return}) and returns its result: the bytes transferred (0 at or
     * after EOF and for zero-length requests; 0 for fsync). Buffer indices move by that count.
     *
     * @throws IllegalStateException nothing was submitted, the request is still in progress, or its result was
     *                               already read
     * @throws IOException           the request's errno, e.g. {@code aio_read(data.bin): EBADF (Bad file
     *                               descriptor)}, or {@code ECANCELED} after a successful {@link #cancel()};
     *                               buffer indices are then unchanged
     */
    public long result() throws IOException {
        AioControlBlock block = cb;
        if (block == null) {
            throw new IllegalStateException(reaped ? "result() was already read for " + this
                    : "nothing was submitted by " + this);
        }
        int err = block.aioError();
        if (err == constants.EINPROGRESS) {
            throw new IllegalStateException(this + " is still in progress");
        }
        long r = block.aioReturn();
        cb = null;
        reaped = true;
        block.free();
        if (err != 0) {
            unstage();
            throw Errno.newException(opName(), target, err);
        }
        complete(r);
        return r;
    }

    /**
     * Asks the kernel to cancel the request ({@code aio_cancel}). Whatever the answer, the request must still
     * be reaped with {@link #result()} once complete (a cancelled one fails with {@code ECANCELED}), and its
     * buffers stay pinned until then.
     *
     * @return {@link AioCancelResult#ALL_DONE} also when nothing is in flight
     * @throws IOException the errno of {@code aio_cancel} (e.g. {@code EBADF})
     */
    public AioCancelResult cancel() throws IOException {
        AioControlBlock block = cb;
        if (block == null) {
            return AioCancelResult.ALL_DONE;
        }
        int rc = block.cancel(fd.intValue(), target);
        AioNotifier n = notifier;
        if (n != null) {
            n.cancelled(token, block);
        }
        return AioCancelResult.fromNative(constants, rc);
    }

    /** The file descriptor. */
    public FileDescriptor fd() {
        return fd;
    }

    /** Validates and pins buffers (before anything native is allocated). */
    abstract void stage();

    /** Releases buffers pinned by {@link #stage()} without completing. */
    abstract void unstage();

    /** Fills {@code cb} and returns the operation to submit. */
    abstract AioControlBlock.Op prepare(AioControlBlock cb);

    /** Success with {@code result}: move indices, release buffers. */
    abstract void complete(long result);

    /** The call's name for error messages. */
    abstract String opName();
}

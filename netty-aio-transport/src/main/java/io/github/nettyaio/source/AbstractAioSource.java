/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.AioNotifier;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.internal.aiocb.AioRequest;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.internal.Platform;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * The public face every single-request source shares over its {@link AioRequest}: the state checks and their
 * messages, the closed-descriptor check, and the {@link AioCancelResult} mapping. The request does the rest.
 * Loop-thread confined once registered; failures are documented per method.
 */
abstract class AbstractAioSource implements AioSource {
    final FileDescriptor fd;
    final String target;

    AbstractAioSource(FileDescriptor fd) {
        this.fd = Objects.requireNonNull(fd, "fd");
        this.target = PosixFileDescriptor.target(fd);
    }

    /** The request this source submits (created by the subclass's constructor). */
    abstract AioRequest request();

    @Override
    public void register(AioNotifier notifier, long token) {
        request().register(notifier, token);
    }

    @Override
    public void deregister() {
        request().deregister();
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
        if (request().state() == AioRequest.State.IN_FLIGHT) {
            throw new IllegalStateException(this + " is in flight: read result() before submitting again");
        }
        if (!fd.isOpen()) {
            throw new ClosedChannelException();
        }
        request().submit();
    }

    /**
     * Whether the submitted request is still running ({@code aio_error == EINPROGRESS}); false when nothing
     * is in flight.
     */
    public boolean inProgress() {
        return request().inProgress();
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
        AioRequest request = request();
        switch (request.state()) {
            case REAPED:
                throw new IllegalStateException("result() was already read for " + this);
            case IN_FLIGHT:
                break;
            default:
                throw new IllegalStateException("nothing was submitted by " + this);
        }
        if (request.inProgress()) {
            throw new IllegalStateException(this + " is still in progress");
        }
        return request.reapOrThrow();
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
        return AioCancelResult.fromNative(Platform.abi().constants(), request().cancel());
    }

    /** The file descriptor. */
    public FileDescriptor fd() {
        return fd;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.internal.aiocb.AioRequest;
import io.netty.channel.unix.FileDescriptor;

import java.util.Objects;

/**
 * {@code aio_fsync}: flushes a file's data (and metadata, per {@link AioFsyncMode}) to stable storage, ordered
 * after the writes submitted before it. Drive it with {@link io.github.nettyaio.Aio#newForAio}: its
 * {@code ready()} completes on the loop thread, then {@link #result()} gives 0 or throws the request's errno.
 *
 * <p>It is critical to read {@link #result()} once the request completes, also after {@link #cancel()}: the
 * kernel's job and the control block are released only then. Confined to the event loop thread once
 * registered.
 */
public final class AioFsync extends AbstractAioSource {
    private final AioFsyncMode mode;
    private final AioRequest request;

    /** Creates an fsync request for {@code fd} (nothing is submitted yet). */
    public AioFsync(FileDescriptor fd, AioFsyncMode mode) {
        super(fd);
        this.mode = Objects.requireNonNull(mode, "mode");
        this.request = AioRequest.forSync(fd.intValue(), target, mode == AioFsyncMode.FDATASYNC);
    }

    @Override
    AioRequest request() {
        return request;
    }

    /** The mode. */
    public AioFsyncMode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return "AioFsync(" + target + ", " + mode + ")";
    }
}

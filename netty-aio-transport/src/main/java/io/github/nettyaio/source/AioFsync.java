/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.sys.internal.AioControlBlock;
import io.netty.channel.unix.FileDescriptor;

import java.util.Objects;

/**
 * {@code aio_fsync}: flushes a file's data (and metadata, per {@link AioFsyncMode}) to stable storage,
 * ordered after the writes submitted before it. Drive it with {@link io.github.nettyaio.Aio#newForAio}.
 * Loop-thread confined; see {@link #submit()}, {@link #result()} (0 on success).
 */
public final class AioFsync extends AbstractAioSource {
    private final AioFsyncMode mode;

    /** Creates an fsync request for {@code fd}. */
    public AioFsync(FileDescriptor fd, AioFsyncMode mode) {
        super(fd);
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** The mode. */
    public AioFsyncMode mode() {
        return mode;
    }

    @Override
    void stage() {
    }

    @Override
    void unstage() {
    }

    @Override
    AioControlBlock.Op prepare(AioControlBlock cb) {
        cb.prepare(fd.intValue(), 0, 0, 0, constants.LIO_NOP);
        return mode == AioFsyncMode.FSYNC ? AioControlBlock.Op.FSYNC : AioControlBlock.Op.FDATASYNC;
    }

    @Override
    void complete(long result) {
    }

    @Override
    String opName() {
        return "aio_fsync";
    }

    @Override
    public String toString() {
        return "AioFsync(" + target + ", " + mode + ")";
    }
}

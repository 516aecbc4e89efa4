/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.internal.StagedBuffers;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

/**
 * A read or write of one contiguous region at a file offset, from or into one or more {@link ByteBuf}s
 * (several buffers go through one staging buffer: glibc has no {@code aio_readv}/{@code aio_writev}, and
 * the result semantics are the same).
 */
abstract class AbstractAioTransfer extends AbstractAioSource {
    private final long offset;
    private final ByteBuf[] bufs;
    private final boolean read;
    private StagedBuffers staged;

    AbstractAioTransfer(FileDescriptor fd, long offset, boolean read, ByteBuf... bufs) {
        super(fd);
        if (offset < 0) {
            throw new IllegalArgumentException("negative file offset: " + offset);
        }
        for (ByteBuf b : bufs) {
            java.util.Objects.requireNonNull(b, "buffer");
        }
        this.offset = offset;
        this.read = read;
        this.bufs = bufs.clone();
    }

    /** The file offset. */
    public long offset() {
        return offset;
    }

    @Override
    void stage() {
        staged = read ? StagedBuffers.forRead(bufs) : StagedBuffers.forWrite(bufs);
    }

    @Override
    void unstage() {
        StagedBuffers s = staged;
        staged = null;
        if (s != null) {
            s.release();
        }
    }

    @Override
    AioControlBlock.Op prepare(AioControlBlock cb) {
        cb.prepare(fd.intValue(), offset, staged.address(), staged.length(), constants.LIO_NOP);
        return read ? AioControlBlock.Op.READ : AioControlBlock.Op.WRITE;
    }

    /** Prepares {@code cb} as an lio_listio entry (opcode LIO_READ/LIO_WRITE), staging the buffers first. */
    void prepareLio(AioControlBlock cb) {
        stage();
        cb.prepare(fd.intValue(), offset, staged.address(), staged.length(),
                read ? constants.LIO_READ : constants.LIO_WRITE);
    }

    @Override
    void complete(long result) {
        StagedBuffers s = staged;
        staged = null;
        s.complete(result);
    }

    @Override
    String opName() {
        return read ? "aio_read" : "aio_write";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + target + ", offset " + offset + ")";
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.internal.aiocb.AioRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

import java.util.Objects;

/**
 * A read or write of one contiguous region at a file offset, from or into one or more {@link ByteBuf}s
 * (several buffers go through one staging buffer: glibc has no {@code aio_readv}/{@code aio_writev}, and
 * the result semantics are the same). Loop-thread confined once registered.
 */
abstract class AbstractAioTransfer extends AbstractAioSource {
    private final long offset;
    private final AioRequest request;

    AbstractAioTransfer(FileDescriptor fd, long offset, boolean read, ByteBuf... bufs) {
        super(fd);
        if (offset < 0) {
            throw new IllegalArgumentException("negative file offset: " + offset);
        }
        for (ByteBuf buf : bufs) {
            Objects.requireNonNull(buf, "buffer");
        }
        this.offset = offset;
        this.request = AioRequest.forBuffers(fd.intValue(), target, offset, read, bufs.clone());
    }

    @Override
    final AioRequest request() {
        return request;
    }

    /** The file offset. */
    public long offset() {
        return offset;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + target + ", offset " + offset + ")";
    }
}

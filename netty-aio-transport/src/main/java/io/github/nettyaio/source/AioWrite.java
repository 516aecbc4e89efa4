/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

/**
 * A positional AIO request that writes {@code src}'s readable bytes at {@link #submit()} time; {@link #result()} advances its reader index by the bytes written (a short write is possible).
 *
 * <p>The buffers are not taken over: they are retained while the request is in flight, so the caller may
 * release them at any time without the kernel writing into freed memory; heap and composite buffers go
 * through a direct staging buffer. Drive it with {@link io.github.nettyaio.Aio#newForAio}. Confined to the
 * event loop thread once registered.
 */
public final class AioWrite extends AbstractAioTransfer {
    /**
     * Creates the request (nothing is submitted yet).
     *
     * @throws IllegalArgumentException {@code offset} is negative
     */
    public AioWrite(FileDescriptor fd, long offset, ByteBuf src) {
        super(fd, offset, false, java.util.Objects.requireNonNull(src, "src"));
    }
}

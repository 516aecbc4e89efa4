/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

/**
 * A positional AIO request that reads into {@code dst} from its writer index, up to its writable bytes at {@link #submit()} time; {@link #result()} advances the writer index by the bytes read (0 at or after EOF).
 *
 * <p>The buffers are not taken over: they are retained while the request is in flight, so the caller may
 * release them at any time without the kernel writing into freed memory; heap and composite buffers go
 * through a direct staging buffer. Drive it with {@link io.github.nettyaio.Aio#newForAio}. Confined to the
 * event loop thread once registered.
 */
public final class AioRead extends AbstractAioTransfer {
    /**
     * Creates the request (nothing is submitted yet).
     *
     * @throws IllegalArgumentException {@code offset} is negative
     */
    public AioRead(FileDescriptor fd, long offset, ByteBuf dst) {
        super(fd, offset, true, java.util.Objects.requireNonNull(dst, "dst"));
    }
}

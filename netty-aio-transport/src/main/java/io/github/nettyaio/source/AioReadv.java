/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

/**
 * A positional AIO request that reads into {@code dsts} in order (each from its writer index, up to its writable bytes); {@link #result()} advances the writer indices by the bytes read, filling one buffer before the next.
 *
 * <p>The buffers are not taken over: they are retained while the request is in flight, so the caller may
 * release them at any time without the kernel writing into freed memory; heap and composite buffers go
 * through a direct staging buffer. Drive it with {@link io.github.nettyaio.Aio#newForAio}. Confined to the
 * event loop thread once registered.
 */
public final class AioReadv extends AbstractAioTransfer {
    /**
     * Creates the request (nothing is submitted yet).
     *
     * @throws IllegalArgumentException {@code offset} is negative
     */
    public AioReadv(FileDescriptor fd, long offset, ByteBuf... dsts) {
        super(fd, offset, true, dsts);
    }
}

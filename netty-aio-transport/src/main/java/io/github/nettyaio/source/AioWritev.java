/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

/**
 * A positional write of the readable bytes of {@code srcs} in order; {@link #result()} advances their reader
 * indices by the bytes written.
 *
 * <p>Drive it with {@link io.github.nettyaio.Aio#newForAio}: its {@code ready()} completes on the loop thread,
 * then {@link #result()} gives the byte count or throws the request's errno ({@code IOException}). The buffers
 * are not taken over: they are retained while the request is in flight (heap and composite ones through a
 * direct staging buffer), so the caller may release them at any time. Confined to the event loop thread once
 * registered.
 *
 * <p>It is critical to read {@link #result()} once the request completes, also after {@link #cancel()}: the
 * buffers stay retained until then.
 */
public final class AioWritev extends AbstractAioTransfer {
    /**
     * Creates the request (nothing is submitted yet).
     *
     * @throws IllegalArgumentException {@code offset} is negative
     */
    public AioWritev(FileDescriptor fd, long offset, ByteBuf... srcs) {
        super(fd, offset, false, srcs);
    }
}

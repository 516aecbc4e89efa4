/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

import java.util.Objects;

/**
 * A positional {@code aio_write} of {@code src}'s readable bytes at {@link #submit()} time; {@link #result()}
 * advances its reader index by the bytes written (a short write is possible).
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
public final class AioWrite extends AbstractAioTransfer {
    /**
     * Creates the request (nothing is submitted yet).
     *
     * @throws IllegalArgumentException {@code offset} is negative
     */
    public AioWrite(FileDescriptor fd, long offset, ByteBuf src) {
        super(fd, offset, false, Objects.requireNonNull(src, "src"));
    }
}

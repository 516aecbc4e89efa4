/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

/**
 * The user event {@link AioFileWriteHandler} fires (on the channel's event loop, to the handlers after it) once
 * the input has ended and every byte of it has been written and synced to the file.
 *
 * <p>An immutable value, usable on any thread. It is critical not to rely on it alone once the channel is going
 * away: after {@code channelInactive} the handler may be removed before it can fire this event, so wait on
 * {@link AioFileWriteHandler#completion()} instead.
 */
public final class AioFileWriteComplete {
    private final long bytes;

    /** An event reporting {@code bytes} bytes written and synced. */
    public AioFileWriteComplete(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count: " + bytes);
        }
        this.bytes = bytes;
    }

    /** The number of bytes written to the file (and synced), from the handler's start position on. */
    public long bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AioFileWriteComplete && ((AioFileWriteComplete) other).bytes == bytes;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "AioFileWriteComplete(" + bytes + " bytes)";
    }
}

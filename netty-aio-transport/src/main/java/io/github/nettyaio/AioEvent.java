/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio;

/**
 * The readiness an {@link Aio#ready()} future reported, to hand back to {@link Aio#clearReady(AioEvent)}.
 * Opaque: it records which notification it observed, so clearing it never clears a newer one.
 */
public final class AioEvent {
    final long tick;

    AioEvent(long tick) {
        this.tick = tick;
    }

    @Override
    public String toString() {
        return "AioEvent(" + tick + ")";
    }
}

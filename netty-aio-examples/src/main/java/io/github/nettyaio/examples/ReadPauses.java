/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.channel.Channel;

/**
 * The one owner of a connection's {@code autoRead}: every reason to stop reading (pipelined requests waiting,
 * an upload's file being opened, an upload's writes falling behind) takes a pause and gives it back; reading
 * is off while any pause is held, and on again only when the last one is given back. Nothing else on the
 * connection sets {@code autoRead}. Confined to the channel's event loop.
 */
final class ReadPauses {
    private final Channel channel;
    private int held;

    ReadPauses(Channel channel) {
        this.channel = channel;
    }

    /** Takes a pause: reading stops (if it was on). */
    void pause() {
        if (held++ == 0) {
            channel.config().setAutoRead(false);
        }
    }

    /**
     * Gives back a pause taken with {@link #pause()}: reading resumes if it was the last.
     *
     * @throws IllegalStateException no pause is held
     */
    void resume() {
        if (held == 0) {
            throw new IllegalStateException("no read pause is held on " + channel);
        }
        if (--held == 0 && channel.isActive()) {
            channel.config().setAutoRead(true);
        }
    }

    /** The pauses held. */
    int held() {
        return held;
    }
}

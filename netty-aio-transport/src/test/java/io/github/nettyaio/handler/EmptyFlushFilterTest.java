/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EmptyFlushFilter}: a flush passes only after a write through it; nothing written is left unflushed. */
class EmptyFlushFilterTest {
    /** Records, on the head side of the filter, every write ("w") and flush ("f") that reaches it. */
    private static final class Recorder extends ChannelOutboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            seen.add("w");
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            seen.add("f");
            ctx.flush();
        }
    }

    @Test
    void passesAFlushOnlyAfterAWrite() {
        Recorder below = new Recorder();
        EmptyFlushFilter filter = new EmptyFlushFilter();
        EmbeddedChannel ch = new EmbeddedChannel(below, filter);
        try {
            ch.flush();                                          // nothing written yet: dropped
            ch.write(Unpooled.wrappedBuffer(new byte[] {1}));
            ch.flush();                                          // passes
            ch.flush();                                          // dropped
            ch.flush();                                          // dropped
            ch.write(Unpooled.wrappedBuffer(new byte[] {2}));
            ch.write(Unpooled.wrappedBuffer(new byte[] {3}));
            ch.flush();                                          // passes, once for both
            assertEquals(List.of("w", "f", "w", "w", "f"), below.seen);
            assertEquals(3, filter.droppedFlushes());
            for (int expected = 1; expected <= 3; expected++) {  // every write reached the channel, in order
                ByteBuf b = ch.readOutbound();
                try {
                    assertEquals(expected, b.readByte());
                } finally {
                    b.release();
                }
            }
            assertTrue(ch.outboundMessages().isEmpty());
        } finally {
            assertFalse(ch.finish());
        }
    }

    @Test
    void aWriteAfterADroppedFlushIsFlushedByTheNextOne() {
        Recorder below = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(below, new EmptyFlushFilter());
        try {
            ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).syncUninterruptibly();
            ch.flush();
            ByteBuf b = ch.readOutbound();
            b.release();
            ch.write(Unpooled.wrappedBuffer(new byte[] {2}));
            assertTrue(ch.outboundMessages().isEmpty(), "not flushed yet");
            ch.flush();
            b = ch.readOutbound();
            try {
                assertEquals(2, b.readByte());
            } finally {
                b.release();
            }
            assertEquals(List.of("w", "f", "w", "f"), below.seen);
        } finally {
            assertFalse(ch.finish());
        }
    }
}

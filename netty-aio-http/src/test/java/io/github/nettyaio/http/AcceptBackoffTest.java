/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pause logic on an {@link EmbeddedChannel} standing in for a server channel (its clock is advanced). */
class AcceptBackoffTest {
    private static final IOException EMFILE = new IOException("io_uring accept(..) failed with error(-24): "
            + "Too many open files");

    @Test
    void pausesDoublingUpToTheMaximumAndResetsOnAnAccept() {
        List<Throwable> passed = new ArrayList<>();
        AcceptBackoff backoff = new AcceptBackoff(10, 40, TimeUnit.MILLISECONDS);
        EmbeddedChannel ch = new EmbeddedChannel(backoff, new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                passed.add(cause);
            }
        });
        ch.freezeTime(); // only advanceTimeBy moves the clock: a slow machine can't make a pause look short
        long[] expected = {10, 20, 40, 40};
        for (long pause : expected) {
            ch.pipeline().fireExceptionCaught(EMFILE);
            assertFalse(ch.config().isAutoRead());
            ch.pipeline().fireExceptionCaught(EMFILE); // while paused: swallowed, counted
            ch.advanceTimeBy(pause - 1, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertFalse(ch.config().isAutoRead(), "resumed before " + pause + " ms");
            ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertTrue(ch.config().isAutoRead(), "not resumed after " + pause + " ms");
        }
        assertEquals(8, backoff.failures());
        // An accepted connection resets the pause to the first one.
        ch.pipeline().fireChannelRead("a child");
        assertEquals("a child", ch.readInbound());
        ch.pipeline().fireExceptionCaught(EMFILE);
        ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.config().isAutoRead());
        assertEquals(List.of(), passed, "descriptor exhaustion was passed on");
        // Anything else passes unchanged, and doesn't pause.
        IOException other = new IOException("Connection reset by peer");
        ch.pipeline().fireExceptionCaught(other);
        assertEquals(1, passed.size());
        assertSame(other, passed.get(0));
        assertTrue(ch.config().isAutoRead());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void recognisesEmfileAndEnfileOfEveryTransport() {
        assertTrue(AcceptBackoff.isDescriptorExhaustion(EMFILE));
        assertTrue(AcceptBackoff.isDescriptorExhaustion(new IOException("Too many open files"))); // NIO
        assertTrue(AcceptBackoff.isDescriptorExhaustion(new IOException("accept(..) failed: Too many open files")));
        assertTrue(AcceptBackoff.isDescriptorExhaustion(new IOException("Too many open files in system")));
        assertTrue(AcceptBackoff.isDescriptorExhaustion(new RuntimeException(new IOException("Too many open files"))));
        assertFalse(AcceptBackoff.isDescriptorExhaustion(new IOException("Connection reset by peer")));
        assertFalse(AcceptBackoff.isDescriptorExhaustion(new IOException()));
        assertFalse(AcceptBackoff.isDescriptorExhaustion(null));
        assertThrows(IllegalArgumentException.class, () -> new AcceptBackoff(0, 1, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> new AcceptBackoff(2, 1, TimeUnit.SECONDS));
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RoundTrips} passes a faithful copy and fails a corrupted or short one. */
class RoundTripsTest {
    @Test
    void bytesRoundTrip() throws Exception {
        AtomicReference<byte[]> store = new AtomicReference<>();
        byte[] written = RoundTrips.writeThenReadBack(1000, store::set, length -> store.get().clone());
        assertArrayEquals(written, store.get());

        AssertionError corrupted = assertThrows(AssertionError.class, () -> RoundTrips.writeThenReadBack(1000,
                store::set, length -> {
                    byte[] copy = store.get().clone();
                    copy[700] ^= 1;
                    return copy;
                }));
        assertTrue(corrupted.getMessage().contains("index 700"), corrupted.getMessage());
        assertThrows(AssertionError.class, () -> RoundTrips.writeThenReadBack(1000, store::set,
                length -> new byte[length - 1]));
    }

    @Test
    void buffersRoundTripAndAreReleased() throws Exception {
        AtomicReference<byte[]> store = new AtomicReference<>();
        AtomicReference<ByteBuf> src = new AtomicReference<>();
        AtomicReference<ByteBuf> dst = new AtomicReference<>();
        RoundTrips.writeThenReadBack(4096, (ByteBuf buf) -> {
            src.set(buf);
            byte[] copy = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), copy);
            store.set(copy);
        }, (ByteBuf buf) -> {
            dst.set(buf);
            buf.writeBytes(store.get());
        });
        assertTrue(src.get().isDirect() && dst.get().isDirect());
        assertEquals(0, src.get().refCnt());
        assertEquals(0, dst.get().refCnt());

        assertThrows(AssertionError.class, () -> RoundTrips.writeThenReadBack(16, (ByteBuf buf) -> { },
                (ByteBuf buf) -> buf.writeZero(16)));
    }
}

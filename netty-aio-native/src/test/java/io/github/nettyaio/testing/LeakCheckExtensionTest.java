/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak check can fail: a buffer dropped without release is reported to {@link RecordingLeakDetector}. */
class LeakCheckExtensionTest {
    @Test
    void paranoidLevelAndRecordingDetectorAreInstalled() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }

    @Test
    void aLeakedBufferIsRecorded() {
        leak();
        List<String> leaks = List.of();
        for (int i = 0; i < 50 && leaks.isEmpty(); i++) {
            System.gc();
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
            b.release();
            leaks = RecordingLeakDetector.drain();
        }
        // Drained here, so the extension does not fail this class for the leak made on purpose.
        assertTrue(leaks.stream().anyMatch(l -> l.contains("ByteBuf")), "no leak recorded: " + leaks);
        assertTrue(leaks.stream().anyMatch(l -> l.contains("aLeakedBufferIsRecorded") || l.contains("leak")),
                String.valueOf(leaks));
    }

    private static void leak() {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeInt(42);
        // dropped without release()
    }
}

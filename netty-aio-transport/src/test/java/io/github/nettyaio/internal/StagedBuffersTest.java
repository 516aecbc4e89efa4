/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.github.nettyaio.sys.internal.NativeMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which memory a transfer uses: the caller's own region, an iovec array over the caller's regions, or staging. */
class StagedBuffersTest {
    @Test
    void singleDirectBufferIsUsedAsItIs() {
        ByteBuf b = Unpooled.directBuffer(100).writeZero(10);
        try {
            StagedBuffers s = StagedBuffers.forRead(1, true, b);
            assertFalse(s.staged());
            assertFalse(s.isVectored());
            assertEquals(b.memoryAddress() + 10, s.address());
            s.release();
        } finally {
            b.release();
        }
    }

    @Test
    void directBuffersAndDirectCompositesBecomeIovecsOverTheirOwnMemory() {
        ByteBuf a = Unpooled.directBuffer(64).writeZero(4);
        CompositeByteBuf comp = Unpooled.compositeBuffer();
        ByteBuf c1 = Unpooled.directBuffer(32, 32).writerIndex(32);
        ByteBuf c2 = Unpooled.directBuffer(16, 16).writerIndex(16);
        comp.addComponents(true, c1, c2).clear(); // 48 writable bytes over the two direct components
        try {
            StagedBuffers s = StagedBuffers.forRead(1, true, a, comp);
            assertTrue(s.isVectored());
            assertFalse(s.staged());
            assertEquals(60 + 48, s.length());
            assertEquals(3, s.iovecCount());
            long[][] expected = {{a.memoryAddress() + 4, 60}, {c1.memoryAddress(), 32}, {c2.memoryAddress(), 16}};
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i][0], NativeMemory.getLong(s.address() + 16L * i), "iov_base " + i);
                assertEquals(expected[i][1], NativeMemory.getLong(s.address() + 16L * i + 8), "iov_len " + i);
            }
            s.complete(70); // fills a (60) then 10 bytes of comp
            assertEquals(64, a.writerIndex());
            assertEquals(10, comp.writerIndex());
        } finally {
            a.release();
            comp.release();
        }
    }

    @Test
    void heapMemoryEnginesWithoutReadvAndMisalignedDirectIoAreStaged() {
        ByteBuf d1 = Unpooled.directBuffer(10).writeZero(10);
        ByteBuf d2 = Unpooled.directBuffer(10).writeZero(10);
        ByteBuf heap = Unpooled.buffer(10).writeZero(10);
        try {
            StagedBuffers withHeap = StagedBuffers.forWrite(1, true, d1, heap);
            assertTrue(withHeap.staged(), "a heap region can't go in an iovec");
            withHeap.release();
            StagedBuffers noReadv = StagedBuffers.forWrite(1, false, d1, d2);
            assertTrue(noReadv.staged(), "the engine has no writev");
            noReadv.release();
            StagedBuffers misaligned = StagedBuffers.forWrite(4096, true, d1, d2);
            assertTrue(misaligned.staged(), "O_DIRECT needs aligned regions");
            assertEquals(0, misaligned.address() & 4095);
            misaligned.release();
            assertEquals(1, d1.refCnt(), "released exactly its own references");
        } finally {
            d1.release();
            d2.release();
            heap.release();
        }
    }
}

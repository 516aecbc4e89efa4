/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StagingCache}: most recently given first, per event-loop thread, bounded, released when the thread ends. */
class StagingCacheTest {
    private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    /** Runs {@code body} on a new Netty (FastThreadLocal-cleaning) thread and waits for it to end. */
    private static <T> T onNettyThread(java.util.concurrent.Callable<T> body) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new DefaultThreadFactory("staging-test").newThread(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(10));
        return result.get(1, TimeUnit.SECONDS);
    }

    @Test
    void aNettyThreadGetsBackWhatItGaveLastAndTheThreadEndReleasesIt() throws Exception {
        List<ByteBuf> kept = onNettyThread(() -> {
            ByteBuf a = StagingCache.take(ALLOC, 65536);
            ByteBuf b = StagingCache.take(ALLOC, 60000);        // same size class (64 KiB)
            assertEquals(65536, a.capacity());
            assertEquals(65536, b.capacity());
            assertTrue(a.isDirect() && a.hasMemoryAddress());
            a.writeInt(42);
            StagingCache.give(a);
            StagingCache.give(b);
            ByteBuf again = StagingCache.take(ALLOC, 50000);
            assertSame(b, again, "the most recently given first");
            assertEquals(0, again.readableBytes());
            ByteBuf other = StagingCache.take(ALLOC, 65536);
            assertSame(a, other);
            assertEquals(0, other.writerIndex(), "handed out empty");
            StagingCache.give(again);
            StagingCache.give(other);
            List<ByteBuf> l = new ArrayList<>();
            l.add(again);
            l.add(other);
            return l;
        });
        for (ByteBuf b : kept) {
            assertEquals(0, b.refCnt(), "released when its thread ended");
        }
    }

    @Test
    void eachSizeKeepsAFewAndTheRestAreReleased() throws Exception {
        List<ByteBuf> given = onNettyThread(() -> {
            List<ByteBuf> l = new ArrayList<>();
            for (int i = 0; i < StagingCache.PER_SIZE + 2; i++) {
                l.add(StagingCache.take(ALLOC, 8192));
            }
            for (ByteBuf b : l) {
                StagingCache.give(b);
            }
            int released = 0;
            for (ByteBuf b : l) {
                released += b.refCnt() == 0 ? 1 : 0;
            }
            assertEquals(2, released, "beyond " + StagingCache.PER_SIZE + " a size, given buffers are released");
            return l;
        });
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt());
        }
    }

    @Test
    void otherThreadsAndLargeTransfersDoNotCache() throws Exception {
        ByteBuf a = StagingCache.take(ALLOC, 4096);     // a plain (JUnit) thread: never cleaned up, never cached
        assertEquals(4096, a.capacity());
        StagingCache.give(a);
        assertEquals(0, a.refCnt());
        onNettyThread(() -> {
            ByteBuf big = StagingCache.take(ALLOC, StagingCache.MAX_CAPACITY + 1);
            assertEquals(StagingCache.MAX_CAPACITY + 1, big.capacity());
            StagingCache.give(big);
            assertEquals(0, big.refCnt());
            ByteBuf small = StagingCache.take(ALLOC, 1);
            assertEquals(StagingCache.MIN_CAPACITY, small.capacity());
            StagingCache.give(small);
            ByteBuf again = StagingCache.take(ALLOC, 1000);
            assertSame(small, again, "the small one was kept");
            assertNotSame(big, again);
            StagingCache.give(again);
            return null;
        });
    }
}

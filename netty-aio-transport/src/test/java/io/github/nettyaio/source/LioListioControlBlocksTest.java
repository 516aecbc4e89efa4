/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.source;

import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control blocks of a reused {@link LioListio}, looked at directly (no Aio: SIGEV_NONE and polling):
 * each round gets new ones, a refused {@code submit()} leaves those in flight untouched, and each is freed
 * when its result is read, never before.
 */
@EnabledOnOs(OS.LINUX)
class LioListioControlBlocksTest {
    @TempDir
    Path dir;

    @Test
    void everyRoundGetsNewControlBlocksAndNeverTouchesOnesInFlight() throws Exception {
        int[] pipe = new int[2];
        assertEquals(0, LibC.pipe(pipe));
        int rounds = 3;
        ByteBuf fromPipe = Unpooled.directBuffer(4 * rounds, 4 * rounds);
        ByteBuf src = Unpooled.directBuffer(8);
        Path out = dir.resolve("w.bin");
        byte[] expectPiped = new byte[4 * rounds];
        try (PosixFileDescriptor wfd = PosixFiles.open(out, CREATE_NEW, WRITE)) {
            LioListio lio = new LioListio();
            int p = lio.addRead(new FileDescriptor(pipe[0]), 0, fromPipe);
            int w = lio.addWrite(wfd, 0, src);
            assertNull(lio.controlBlockForTest(p));
            List<AioControlBlock> earlier = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                long written = ThreadLocalRandom.current().nextLong();
                src.clear().writeLong(written);
                lio.submit();
                AioControlBlock cp = lio.controlBlockForTest(p);
                AioControlBlock cw = lio.controlBlockForTest(w);
                assertTrue(cp.inFlight());
                assertTrue(cw.inFlight());
                for (AioControlBlock old : earlier) {
                    assertNotSame(old, cp);
                    assertNotSame(old, cw);
                    assertTrue(old.isFreed());
                }
                // The pipe read is in flight: submit() is refused and changes nothing.
                IllegalStateException e = assertThrows(IllegalStateException.class, lio::submit);
                assertTrue(e.getMessage().contains("request " + p), e.getMessage());
                assertThrows(IllegalStateException.class, () -> lio.addRead(new FileDescriptor(pipe[0]), 0, src));
                assertSame(cp, lio.controlBlockForTest(p));
                assertSame(cw, lio.controlBlockForTest(w));
                assertTrue(cp.inFlight());
                assertFalse(cp.isFreed());

                byte[] piped = new byte[4];
                ThreadLocalRandom.current().nextBytes(piped);
                System.arraycopy(piped, 0, expectPiped, 4 * round, 4);
                writeAll(pipe[1], piped);
                awaitComplete(lio);
                assertEquals(4, lio.result(p));
                assertTrue(cp.isFreed(), "freed once reaped");
                assertNull(lio.controlBlockForTest(p));
                assertFalse(cw.isFreed(), "kept until its own result is read");
                e = assertThrows(IllegalStateException.class, lio::submit);
                assertTrue(e.getMessage().contains("request " + w), e.getMessage());
                assertSame(cw, lio.controlBlockForTest(w));
                assertEquals(8, lio.result(w));
                assertTrue(cw.isFreed());
                earlier.add(cp);
                earlier.add(cw);

                assertArrayEquals(Arrays.copyOf(expectPiped, 4 * (round + 1)), ByteBufUtil.getBytes(fromPipe));
                assertEquals(written, java.nio.ByteBuffer.wrap(Files.readAllBytes(out)).getLong());
                assertEquals(1, fromPipe.refCnt());
                assertEquals(1, src.refCnt());
            }
        } finally {
            LibC.close(pipe[1]); // a read still in flight after a failure sees EOF and completes
            LibC.close(pipe[0]);
            fromPipe.release();
            src.release();
        }
    }

    private static void awaitComplete(LioListio lio) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lio.isComplete()) {
            assertTrue(System.nanoTime() < deadline, "the batch did not complete in 10 s");
            Thread.onSpinWait();
        }
    }

    private static void writeAll(int fd, byte[] data) {
        ByteBuf mem = Unpooled.directBuffer(data.length).writeBytes(data);
        try {
            assertTrue(mem.hasMemoryAddress());
            assertEquals(data.length, LibC.write(fd, mem.memoryAddress(), data.length));
        } finally {
            mem.release();
        }
    }
}

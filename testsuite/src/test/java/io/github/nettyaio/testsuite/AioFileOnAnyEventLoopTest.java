/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.AioFileWriteHandler;
import io.github.nettyaio.handler.ChunkedAioFile;
import io.github.nettyaio.testing.FdCount;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.github.nettyaio.testsuite.AioTestSupport.TIMEOUT_SECONDS;
import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioFile} on loops that are not {@code IoEventLoop}s ({@link EmbeddedChannel}'s, a {@link DefaultEventLoop}):
 * the BLOCKING engine, completions still on that loop; and the {@code Channel} overloads on every loop type.
 */
@EnabledOnOs(OS.LINUX)
class AioFileOnAnyEventLoopTest {
    private static final String LOOPS = "io.github.nettyaio.testsuite.LoopType#available";
    private static DefaultEventLoop plainLoop;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        plainLoop = new DefaultEventLoop();
    }

    @AfterAll
    static void shutdown() {
        plainLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        AioTestSupport.shutdownAll();
    }

    /** Runs {@code channel}'s pending tasks until {@code f} completes (an EmbeddedChannel's loop has no thread). */
    private static <T> T pump(EmbeddedChannel channel, Future<T> f) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!f.isDone()) {
            channel.runPendingTasks();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within " + TIMEOUT_SECONDS + " s: " + f);
            }
            Thread.onSpinWait();
        }
        if (!f.isSuccess()) {
            throw new AssertionError("failed", f.cause());
        }
        return f.getNow();
    }

    @Test
    void embeddedChannelGetsBlockingWithCompletionsOnItsLoop() throws Exception {
        byte[] data = random(100_000);
        Path p = Files.write(dir.resolve("e.bin"), data);
        Map<Integer, String> fds = FdCount.snapshot();
        EmbeddedChannel ch = new EmbeddedChannel();
        Thread test = Thread.currentThread();
        AioFile file = pump(ch, AioFile.openAsync(ch, p));
        assertEquals(AioEngine.BLOCKING, file.engine());
        assertSame(ch.eventLoop(), file.executor());
        assertThrows(IllegalStateException.class, file::eventLoop);

        ByteBuf buf = Unpooled.directBuffer(data.length);
        try {
            Future<Integer> read = file.readFully(buf, 0);
            AtomicReference<Thread> listenerThread = new AtomicReference<>();
            read.addListener(f -> listenerThread.set(Thread.currentThread()));
            assertEquals(data.length, pump(ch, read));
            // The I/O ran on the blocking pool; the completion ran in runPendingTasks, on this thread.
            assertSame(test, listenerThread.get());
            assertArrayEquals(data, ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
        pump(ch, file.closeAsync());
        ch.finishAndReleaseAll();
        assertEquals(0, FdCount.openedSince(fds).size(), () -> "leaked " + FdCount.openedSince(fds));
    }

    /**
     * An EmbeddedChannel's loop takes tasks from its own user only (its queue is not thread-safe): the I/O runs on
     * the calling thread, and one runPendingTasks() completes each operation, deterministically.
     */
    @Test
    void embeddedCompletionsAreQueuedByTheCallerOnly() throws Exception {
        byte[] data = random(1 << 20);
        Path p = Files.write(dir.resolve("det.bin"), data);
        EmbeddedChannel ch = new EmbeddedChannel();
        Future<AioFile> opened = AioFile.openAsync(ch, p);
        ch.runPendingTasks();
        assertTrue(opened.isSuccess(), "open not complete after one runPendingTasks(): " + opened);
        AioFile file = opened.getNow();
        for (int round = 0; round < 50; round++) {
            ByteBuf a = Unpooled.directBuffer(4096);
            ByteBuf b = Unpooled.directBuffer(4096);
            try {
                Future<Integer> ra = file.read(a, round * 8192L);
                Future<Integer> rb = file.read(b, round * 8192L + 4096);
                ch.runPendingTasks();
                assertTrue(ra.isDone() && rb.isDone(), "round " + round + ": not complete after one runPendingTasks()");
                assertEquals(4096, ra.getNow());
                assertEquals(4096, rb.getNow());
                assertArrayEquals(java.util.Arrays.copyOfRange(data, round * 8192, round * 8192 + 4096),
                        ByteBufUtil.getBytes(a));
                assertArrayEquals(java.util.Arrays.copyOfRange(data, round * 8192 + 4096, round * 8192 + 8192),
                        ByteBufUtil.getBytes(b));
            } finally {
                a.release();
                b.release();
            }
        }
        // A transfer with read-ahead 4: every chunk's read completes in the loop's next run, byte-exact.
        EmbeddedChannel out = new EmbeddedChannel(new ChunkedWriteHandler());
        AioFile outFile = AioFile.open(out, p);             // on the loop that pump() runs
        ChannelFuture written = out.writeAndFlush(new ChunkedAioFile(out, outFile, 0, data.length, 16 * 1024, 4));
        pump(out, written);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (ByteBuf x; (x = out.readOutbound()) != null; ) {
            got.write(ByteBufUtil.getBytes(x));
            x.release();
        }
        assertArrayEquals(data, got.toByteArray());
        pump(out, outFile.closeAsync());
        Future<Void> closed = file.closeAsync();
        ch.runPendingTasks();
        assertTrue(closed.isDone(), "close not complete after one runPendingTasks()");
        out.finishAndReleaseAll();
        ch.finishAndReleaseAll();
    }

    @Test
    void explicitKernelEnginesNeedAnIoEventLoop() throws Exception {
        Path p = Files.write(dir.resolve("x.bin"), new byte[1]);
        EmbeddedChannel ch = new EmbeddedChannel();
        for (AioEngine engine : new AioEngine[] {AioEngine.IO_URING, AioEngine.POSIX_AIO, AioEngine.KQUEUE_AIO}) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> AioFile.open(ch, p, engine));
            assertTrue(e.getMessage().contains("IoEventLoop"), e.getMessage());
        }
        try (AioFile f = AioFile.open(ch, p, AioEngine.BLOCKING)) {
            assertEquals(AioEngine.BLOCKING, f.engine());
        }
        ch.finishAndReleaseAll();
    }

    /** A handler's everyday test: ChunkedAioFile through ChunkedWriteHandler on an EmbeddedChannel. */
    @Test
    void chunkedAioFileOnAnEmbeddedChannel() throws Exception {
        byte[] data = random(300_000);
        Path p = Files.write(dir.resolve("c.bin"), data);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler());
        AioFile file = pump(ch, AioFile.openAsync(ch, p));
        ChannelFuture written = ch.writeAndFlush(new ChunkedAioFile(ch, file, 0, data.length, 64 * 1024));
        pump(ch, written);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.write(ByteBufUtil.getBytes(b));
            b.release();
        }
        assertArrayEquals(data, out.toByteArray());
        pump(ch, file.closeAsync());
        ch.finishAndReleaseAll();
    }

    /** ChunkedAioFile.open on an EmbeddedChannel: opens, serves byte-exact and closes its file. */
    @Test
    void owningChunkedAioFileOnAnEmbeddedChannel() throws Exception {
        byte[] data = random(150_000);
        Path p = Files.write(dir.resolve("o.bin"), data);
        Map<Integer, String> fds = FdCount.snapshot();
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkedWriteHandler());
        pump(ch, ch.writeAndFlush(ChunkedAioFile.open(ch, p, 32 * 1024)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.write(ByteBufUtil.getBytes(b));
            b.release();
        }
        assertArrayEquals(data, out.toByteArray());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!FdCount.openedSince(fds).isEmpty() && System.nanoTime() < deadline) {
            ch.runPendingTasks(); // the file's close completes in a task of the channel's loop
            Thread.onSpinWait();
        }
        assertEquals(0, FdCount.openedSince(fds).size(), () -> "leaked " + FdCount.openedSince(fds));
        ch.finishAndReleaseAll();
    }

    /** A handler's everyday test: an upload through AioFileWriteHandler.open on an EmbeddedChannel. */
    @Test
    void uploadThroughAioFileWriteHandlerOnAnEmbeddedChannel() throws Exception {
        byte[] data = random(200_000);
        Path p = dir.resolve("up.bin");
        Map<Integer, String> fds = FdCount.snapshot();
        AioFileWriteHandler store = AioFileWriteHandler.open(p);
        EmbeddedChannel ch = new EmbeddedChannel(store);
        for (int i = 0; i < data.length; i += 50_000) {
            ch.writeInbound(Unpooled.copiedBuffer(data, i, 50_000));
        }
        ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertEquals(data.length, pump(ch, store.completion()));
        assertArrayEquals(data, Files.readAllBytes(p));
        ch.finishAndReleaseAll();
        assertEquals(0, FdCount.openedSince(fds).size(), () -> "leaked " + FdCount.openedSince(fds));
    }

    @Test
    void defaultEventLoopGetsBlockingWithCompletionsOnItsThread() throws Exception {
        byte[] data = random(50_000);
        Path p = dir.resolve("d.bin");
        EventLoop loop = plainLoop;
        AioFile file = await(AioFile.openAsync(loop, p, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        try {
            assertEquals(AioEngine.BLOCKING, file.engine());
            ByteBuf src = Unpooled.wrappedBuffer(data);
            CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
            Future<Integer> w = file.write(src, 0);
            w.addListener(f -> onLoop.complete(loop.inEventLoop()));
            assertEquals(data.length, await(w));
            assertTrue(onLoop.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), "write completed off the loop");
            await(file.syncData());
            ByteBuf dst = Unpooled.buffer(data.length);
            try {
                assertEquals(data.length, await(file.readFully(dst, 0)));
                assertArrayEquals(data, ByteBufUtil.getBytes(dst));
            } finally {
                dst.release();
            }
        } finally {
            file.close();
        }
        assertArrayEquals(data, Files.readAllBytes(p));
    }

    @Test
    void openOnAShutDownPlainLoopFails() throws Exception {
        Path p = Files.write(dir.resolve("s.bin"), new byte[1]);
        DefaultEventLoop loop = new DefaultEventLoop();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        Map<Integer, String> fds = FdCount.snapshot();
        assertThrows(java.io.IOException.class, () -> AioFile.open(loop, p));
        assertEquals(0, FdCount.openedSince(fds).size(), () -> "leaked " + FdCount.openedSince(fds));
    }

    /** The Channel overloads use the channel's loop, and AUTO picks what it picks for that loop. */
    @ParameterizedTest
    @MethodSource(LOOPS)
    void channelOverloadsUseTheChannelsLoop(LoopType type) throws Exception {
        byte[] data = random(10_000);
        Path p = Files.write(dir.resolve("ch-" + type + ".bin"), data);
        IoEventLoop loop = AioTestSupport.loop(type);
        Channel ch = SocketSupport.socketChannel(type).getConstructor().newInstance();
        loop.register(ch).sync();
        try {
            AioFile viaAsync = await(AioFile.openAsync(ch, p));
            try (AioFile viaOpen = AioFile.open(ch, p, AioEngine.BLOCKING)) {
                assertSame(loop, viaAsync.eventLoop());
                assertSame(loop, viaOpen.executor());
                assertEquals(AioTestSupport.linuxAuto(), viaAsync.engine());
                assertEquals(AioEngine.BLOCKING, viaOpen.engine());
                for (AioFile f : new AioFile[] {viaAsync, viaOpen}) {
                    ByteBuf dst = Unpooled.directBuffer(data.length);
                    try {
                        assertEquals(data.length, await(f.readFully(dst, 0)));
                        assertArrayEquals(data, ByteBufUtil.getBytes(dst));
                    } finally {
                        dst.release();
                    }
                }
            } finally {
                viaAsync.close();
            }
        } finally {
            ch.close().sync();
        }
    }
}

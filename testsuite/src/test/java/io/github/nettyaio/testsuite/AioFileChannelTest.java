/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.testing.DirectIo;
import io.github.nettyaio.channel.AioFileAddress;
import io.github.nettyaio.channel.AioFileChannel;
import io.github.nettyaio.channel.AioFileChannelOption;
import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.sys.AioOpenOption;
import io.github.nettyaio.testing.FdCount;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.github.nettyaio.testsuite.AioTestSupport.TIMEOUT_SECONDS;
import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.AioTestSupport.onLoop;
import static io.github.nettyaio.testsuite.AioTestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioFileChannel} on every event-loop type this machine runs (NIO, epoll, io_uring), through
 * {@link Bootstrap} and real pipelines: files read through Netty codecs and compared line by line or byte for
 * byte, written files compared with what the pipeline wrote, {@code autoRead} and writability backpressure
 * observed through pipeline events, every handler call checked to run on the channel's loop, buffers and
 * descriptors counted.
 */
@EnabledOnOs(OS.LINUX)
class AioFileChannelTest {
    private static final int CHUNK = 16 * 1024;

    /** Every loop type this machine runs. */
    private static final String LOOPS = "io.github.nettyaio.testsuite.LoopType#available";

    @TempDir
    Path dir;
    private Map<Integer, String> fdsBefore;
    /** Counts the direct memory the channels' buffers use, to prove every one is released. */
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

    static Stream<Arguments> enginesAndLoops() {
        List<Arguments> out = new ArrayList<>();
        for (AioEngine e : AioTestSupport.fileEngines()) {
            for (LoopType t : LoopType.available()) {
                out.add(Arguments.of(e, t));
            }
        }
        return out.stream();
    }

    @BeforeEach
    void warmUpAndCount() throws Exception {
        // Loops, the shared ring, the reaper and the pools are created once per process: make them exist first.
        Path warm = Files.write(dir.resolve("warm.bin"), new byte[16]);
        for (LoopType t : LoopType.available()) {
            for (AioEngine e : AioTestSupport.fileEngines()) {
                read(t, AioFileAddress.read(warm), b -> b.option(AioFileChannelOption.ENGINE, e));
            }
        }
        fdsBefore = FdCount.snapshot();
    }

    @AfterEach
    void noLeaks() {
        assertEquals(List.of(), FdCount.openedSince(fdsBefore), "file descriptors leaked");
        assertEquals(0, alloc.metric().usedDirectMemory(), "channel buffers not released");
    }

    @AfterAll
    static void shutdown() {
        AioTestSupport.shutdownAll();
    }

    private interface Options {
        void apply(Bootstrap b);
    }

    /** A bootstrap on {@code type}'s loop with the counting allocator and {@code handlers} behind a thread check. */
    private Bootstrap bootstrap(LoopType type, ThreadCheck check, Options options, ChannelHandler... handlers) {
        Bootstrap b = new Bootstrap().group(AioTestSupport.loop(type)).channel(AioFileChannel.class)
                .option(ChannelOption.ALLOCATOR, alloc)
                .option(AioFileChannelOption.CHUNK_SIZE, CHUNK)
                .handler(new ChannelInitializer<AioFileChannel>() {
                    @Override
                    protected void initChannel(AioFileChannel ch) {
                        ch.pipeline().addLast(check);
                        ch.pipeline().addLast(handlers);
                    }
                });
        options.apply(b);
        return b;
    }

    /** Reads the file at {@code address} through the channel and returns its bytes. */
    private byte[] read(LoopType type, AioFileAddress address, Options options) throws Exception {
        ThreadCheck check = new ThreadCheck();
        Collect collect = new Collect();
        ChannelFuture cf = bootstrap(type, check, options, collect).connect(address);
        await(cf);
        assertEquals(address, cf.channel().remoteAddress());
        assertEquals(address, cf.channel().localAddress());
        awaitClosed(cf.channel());
        check.verify(cf.channel());
        assertTrue(collect.inactive.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "channelInactive at EOF");
        assertEquals(List.of(), collect.errors);
        return collect.bytes.toByteArray();
    }

    private static void awaitClosed(Channel ch) throws Exception {
        await(ch.closeFuture());
        assertFalse(ch.isOpen());
        assertFalse(ch.isActive());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void logFileThroughLineBasedFrameDecoder(LoopType type) throws Exception {
        List<String> lines = new ArrayList<>(100_000);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 100_000; i++) {
            lines.add("line " + i + " " + "x".repeat(r.nextInt(40)));
        }
        Path p = Files.write(dir.resolve("app.log"), lines, StandardCharsets.UTF_8);
        List<String> got = new ArrayList<>(lines.size());
        CountDownLatch inactive = new CountDownLatch(1);
        ThreadCheck check = new ThreadCheck();
        ChannelFuture cf = bootstrap(type, check, b -> { },
                new LineBasedFrameDecoder(1024), new StringDecoder(StandardCharsets.UTF_8),
                new SimpleChannelInboundHandler<String>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                        got.add(line);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        inactive.countDown();
                    }
                }).connect(AioFileAddress.read(p));
        await(cf);
        assertTrue(inactive.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        awaitClosed(cf.channel());
        check.verify(cf.channel());
        assertEquals(lines.size(), got.size());
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(got.get(i))) {
                assertEquals(lines.get(i), got.get(i), "line " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void readsFilesByteForByte(LoopType type) throws Exception {
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 5 * 1024 * 1024 + 7}) {
            byte[] data = random(size);
            Path p = Files.write(dir.resolve("f" + size), data);
            assertArrayEquals(data, read(type, AioFileAddress.read(p), b -> { }), "file of " + size + " bytes");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("enginesAndLoops")
    void everyEngineReadsAndWrites(AioEngine engine, LoopType type) throws Exception {
        byte[] data = random(3 * CHUNK + 123);
        Path p = dir.resolve("engine.bin");
        Options withEngine = b -> b.option(AioFileChannelOption.ENGINE, engine).option(AioFileChannelOption.READ_AHEAD, 2);
        Channel ch = connectWriter(type, AioFileAddress.write(p), withEngine, new ThreadCheck());
        for (int off = 0; off < data.length; off += 1000) {
            ch.write(Unpooled.wrappedBuffer(data, off, Math.min(1000, data.length - off)));
        }
        await(ch.writeAndFlush(Unpooled.EMPTY_BUFFER));
        await(ch.close());
        assertArrayEquals(data, Files.readAllBytes(p));
        assertArrayEquals(data, read(type, AioFileAddress.read(p), withEngine));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void directIoReadsAndWritesAlignedData(LoopType type) throws Exception {
        byte[] data = random(8 * 4096);
        Path p = dir.resolve("direct.bin");
        DirectIo.assumeSupported(dir);
        Channel ch = connectWriter(type, AioFileAddress.write(p, AioOpenOption.DIRECT), b -> { }, new ThreadCheck());
        for (int i = 0; i < 8; i++) {
            ByteBuf b = io.github.nettyaio.file.AlignedBuffers.allocate(alloc, 4096, 4096);
            ch.write(b.writeBytes(data, i * 4096, 4096));
        }
        await(ch.close());
        assertArrayEquals(data, Files.readAllBytes(p));
        assertArrayEquals(data, read(type, AioFileAddress.read(p),
                b -> b.option(AioFileChannelOption.DIRECT, true)), "read back with O_DIRECT");
        // A size that is not a multiple of the block size: the last read is short, which is EOF.
        byte[] odd = random(3 * 4096 + 100);
        Path q = Files.write(dir.resolve("odd.bin"), odd);
        assertArrayEquals(odd, read(type, AioFileAddress.read(q, AioOpenOption.DIRECT),
                b -> b.option(AioFileChannelOption.CHUNK_SIZE, 8192)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void writeErrorFailsWritesFiresExceptionAndCloses(LoopType type) throws Exception {
        Path p = dir.resolve("einval.bin");
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        ThreadCheck check = new ThreadCheck();
        Channel ch = directWriter(type, p, check, errors);
        // O_DIRECT refuses a length that is not a multiple of the block size: a real EINVAL from the kernel.
        ChannelFuture bad = ch.write(Unpooled.wrappedBuffer(random(100)));
        ChannelFuture after = ch.writeAndFlush(Unpooled.wrappedBuffer(random(4096)));
        Throwable cause = awaitFailure(bad);
        assertInstanceOf(IOException.class, cause);
        assertTrue(cause.getMessage().contains("EINVAL"), cause.getMessage());
        assertInstanceOf(IOException.class, awaitFailure(after), "a later write fails too");
        assertEquals(cause, errors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS), "exceptionCaught");
        awaitClosed(ch); // autoClose
        check.verify(ch);
        assertEquals(0, Files.size(p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void autoReadOffDeliversOnlyWhatReadAsksFor(LoopType type) throws Exception {
        byte[] data = random(40 * CHUNK + 5);
        Path p = Files.write(dir.resolve("bounded.bin"), data);
        int perRead = 2;
        IoEventLoop loop = AioTestSupport.loop(type);
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int[] burst = new int[1];
        boolean[] requested = new boolean[1];
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        ThreadCheck check = new ThreadCheck();
        ChannelFuture cf = bootstrap(type, check,
                b -> b.option(ChannelOption.AUTO_READ, false)
                        .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(perRead)),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
                        ByteBuf b = (ByteBuf) msg;
                        if (!requested[0]) {
                            violations.add("channelRead of " + b.readableBytes() + " bytes without read()");
                        }
                        burst[0] += b.readableBytes();
                        b.readBytes(got, b.readableBytes());
                        b.release();
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        if (burst[0] > perRead * CHUNK) {
                            violations.add("burst of " + burst[0] + " bytes");
                        }
                        burst[0] = 0;
                        requested[0] = false;
                        events.add("complete");
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        events.add("inactive");
                    }
                }).connect(AioFileAddress.read(p));
        Channel ch = connected(cf);
        int reads = 0;
        for (;;) {
            reads++;
            onLoop(loop, () -> {
                requested[0] = true;
                ch.read();
                return null;
            });
            String e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(e, "no event after read()");
            if (e.equals("inactive")) {
                break;
            }
            assertTrue(reads < 1000, "never reached EOF");
        }
        awaitClosed(ch);
        check.verify(ch);
        assertEquals(List.of(), violations);
        assertArrayEquals(data, got.toByteArray());
        assertTrue(reads >= data.length / (perRead * CHUNK), reads + " read() calls delivered " + data.length + " bytes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void eofFiresInactiveAfterTheLastReadComplete(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("small.txt"), "hello".getBytes(StandardCharsets.US_ASCII));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ThreadCheck check = new ThreadCheck();
        ChannelFuture cf = bootstrap(type, check, b -> { }, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                events.add("active");
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                events.add("read " + b.toString(StandardCharsets.US_ASCII));
                b.release();
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                events.add("complete");
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                events.add("inactive");
            }

            @Override
            public void channelUnregistered(ChannelHandlerContext ctx) {
                events.add("unregistered");
            }
        }).connect(AioFileAddress.read(p));
        Channel ch = connected(cf);
        awaitClosed(ch);
        onLoop(AioTestSupport.loop(type), () -> null); // let the deregistration task run
        onLoop(AioTestSupport.loop(type), () -> null);
        check.verify(ch);
        assertEquals(List.of("active", "read hello", "complete", "inactive", "unregistered"), events);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void writesThousandBuffersThenCloseSyncs(LoopType type) throws Exception {
        Path p = dir.resolve("out.bin");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ThreadCheck check = new ThreadCheck();
        Channel ch = connectWriter(type, AioFileAddress.write(p), b -> { }, check);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] data = random(r.nextInt(6000));
            expected.write(data);
            ByteBuf buf = r.nextBoolean() ? Unpooled.wrappedBuffer(data) : alloc.directBuffer(data.length).writeBytes(data);
            writes.add(r.nextInt(10) == 0 ? ch.writeAndFlush(buf) : ch.write(buf));
        }
        ChannelFuture closed = ch.close(); // writes what was not flushed yet too
        await(closed);
        assertTrue(ch.closeFuture().isDone());
        for (ChannelFuture w : writes) {
            assertTrue(w.isSuccess(), "write " + w);
        }
        check.verify(ch);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(p));
        ChannelFuture late = ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[1]));
        assertInstanceOf(ClosedChannelException.class, awaitFailure(late));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void appendsToExistingFileAndTruncatesOnRequest(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("append.txt"), "hello ".getBytes(StandardCharsets.US_ASCII));
        Channel ch = connectWriter(type, AioFileAddress.write(p), b -> { }, new ThreadCheck());
        ch.write(Unpooled.copiedBuffer("wor", StandardCharsets.US_ASCII));
        ch.writeAndFlush(Unpooled.copiedBuffer("ld", StandardCharsets.US_ASCII));
        await(ch.close());
        assertEquals("hello world", Files.readString(p));

        ch = connectWriter(type, AioFileAddress.write(p, StandardOpenOption.APPEND), b -> { }, new ThreadCheck());
        await(ch.writeAndFlush(Unpooled.copiedBuffer("!", StandardCharsets.US_ASCII)));
        await(ch.close());
        assertEquals("hello world!", Files.readString(p));

        ch = connectWriter(type, AioFileAddress.write(p, StandardOpenOption.TRUNCATE_EXISTING), b -> { },
                new ThreadCheck());
        await(ch.writeAndFlush(Unpooled.copiedBuffer("new", StandardCharsets.US_ASCII)));
        await(ch.close());
        assertEquals("new", Files.readString(p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void writabilityFollowsBytesInFlight(LoopType type) throws Exception {
        Path p = dir.resolve("water.bin");
        IoEventLoop loop = AioTestSupport.loop(type);
        List<Boolean> changes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch writableAgain = new CountDownLatch(1);
        ThreadCheck check = new ThreadCheck();
        ChannelFuture cf = bootstrap(type, check,
                b -> b.option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1024, 8192)),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        boolean w = ctx.channel().isWritable();
                        changes.add(w);
                        if (w) {
                            writableAgain.countDown();
                        }
                    }
                }).connect(AioFileAddress.write(p));
        Channel ch = connected(cf);
        byte[] big = random(16 * 1024);
        boolean[] seen = onLoop(loop, () -> {
            boolean before = ch.isWritable();
            ch.writeAndFlush(Unpooled.wrappedBuffer(big));
            // The buffer is now being written by the kernel: its bytes still count.
            return new boolean[] {before, ch.isWritable(), ch.bytesBeforeWritable() > 0};
        });
        assertArrayEquals(new boolean[] {true, false, true}, seen, "writable before, not while in flight");
        assertTrue(writableAgain.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "writable again once written");
        assertEquals(List.of(false, true), changes);

        // Many small writes: writability goes down and comes back, nothing is lost.
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(big);
        List<byte[]> small = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            small.add(random(700));
            expected.write(small.get(i));
        }
        boolean unwritable = onLoop(loop, () -> {
            for (byte[] d : small) {
                ch.writeAndFlush(Unpooled.wrappedBuffer(d));
            }
            return !ch.isWritable();
        });
        assertTrue(unwritable, "140 KB pending over a 8 KB high-water mark");
        await(ch.close());
        check.verify(ch);
        assertTrue(changes.size() >= 4 && changes.size() % 2 == 0, "changes " + changes);
        for (int i = 0; i < changes.size(); i++) {
            assertEquals(i % 2 == 1, changes.get(i), "changes alternate: " + changes);
        }
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void connectToMissingFileFails(LoopType type) throws Exception {
        ChannelFuture cf = bootstrap(type, new ThreadCheck(), b -> { }, new ChannelInboundHandlerAdapter())
                .connect(AioFileAddress.read(dir.resolve("missing.bin")));
        Throwable cause = awaitFailure(cf);
        assertInstanceOf(NoSuchFileException.class, cause);
        awaitClosed(cf.channel());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void wrongDirectionAndMessageTypeFailClearly(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("ro.bin"), random(100));
        ThreadCheck check = new ThreadCheck();
        Channel reader = connected(bootstrap(type, check, b -> b.option(ChannelOption.AUTO_READ, false),
                new ChannelInboundHandlerAdapter()).connect(AioFileAddress.read(p)));
        ByteBuf buf = Unpooled.buffer().writeInt(1);
        Throwable cause = awaitFailure(reader.writeAndFlush(buf));
        assertInstanceOf(UnsupportedOperationException.class, cause);
        assertTrue(cause.getMessage().contains("read-only"), cause.getMessage());
        assertEquals(0, buf.refCnt(), "a refused message is released");
        await(reader.close());

        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        Channel writer = connected(bootstrap(type, check, b -> { }, new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                errors.add(t);
            }
        }).connect(AioFileAddress.write(dir.resolve("wo.bin"))));
        assertFalse(writer.config().isAutoRead(), "a writing channel has nothing to read");
        writer.read();
        Throwable readError = errors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertInstanceOf(UnsupportedOperationException.class, readError);
        assertTrue(readError.getMessage().contains("write-only"), readError.getMessage());
        assertTrue(writer.isOpen());
        cause = awaitFailure(writer.writeAndFlush("a string"));
        assertInstanceOf(UnsupportedOperationException.class, cause);
        assertTrue(cause.getMessage().contains("String"), cause.getMessage());
        await(writer.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        await(writer.close());
        check.verify(writer);
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("wo.bin")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void badConnectsFailClearly(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("c.bin"), random(10));
        ChannelFuture wrongType = bootstrap(type, new ThreadCheck(), b -> { }, new ChannelInboundHandlerAdapter())
                .connect(new java.net.InetSocketAddress("127.0.0.1", 9));
        assertInstanceOf(java.nio.channels.UnsupportedAddressTypeException.class, awaitFailure(wrongType));
        awaitClosed(wrongType.channel());

        ChannelFuture unaligned = bootstrap(type, new ThreadCheck(),
                b -> b.option(AioFileChannelOption.DIRECT, true).option(AioFileChannelOption.CHUNK_SIZE, 5000),
                new ChannelInboundHandlerAdapter()).connect(AioFileAddress.read(p));
        Throwable cause = awaitFailure(unaligned);
        assertInstanceOf(IllegalArgumentException.class, cause);
        assertTrue(cause.getMessage().contains("4096"), cause.getMessage());
        awaitClosed(unaligned.channel());

        ChannelFuture exists = bootstrap(type, new ThreadCheck(), b -> { }, new ChannelInboundHandlerAdapter())
                .connect(AioFileAddress.write(p, StandardOpenOption.CREATE_NEW));
        assertInstanceOf(java.nio.file.FileAlreadyExistsException.class, awaitFailure(exists));
        awaitClosed(exists.channel());

        Channel ch = connected(bootstrap(type, new ThreadCheck(), b -> b.option(ChannelOption.AUTO_READ, false),
                new ChannelInboundHandlerAdapter()).connect(AioFileAddress.read(p)));
        assertInstanceOf(java.nio.channels.AlreadyConnectedException.class,
                awaitFailure(ch.connect(AioFileAddress.read(p))));
        assertTrue(ch.isActive(), "a refused second connect leaves the channel as it was");
        await(ch.close());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void closeWithReadsInFlightReleasesEverything(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("big.bin"), random(8 * 1024 * 1024));
        // Closed by the pipeline after the first buffer, with read-ahead in flight.
        ThreadCheck check = new ThreadCheck();
        int[] reads = new int[1];
        Channel ch = connected(bootstrap(type, check, b -> b.option(AioFileChannelOption.READ_AHEAD, 8),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ((ByteBuf) msg).release();
                        if (reads[0]++ == 0) {
                            ctx.close();
                        }
                    }
                }).connect(AioFileAddress.read(p)));
        awaitClosed(ch);
        check.verify(ch);
        assertEquals(0, alloc.metric().usedDirectMemory(), "read buffers released once closed");
        // Closed from another thread right after connecting.
        for (int i = 0; i < 5; i++) {
            Channel c = connected(bootstrap(type, check, b -> b.option(AioFileChannelOption.READ_AHEAD, 8),
                    new Collect()).connect(AioFileAddress.read(p)));
            await(c.close());
            assertFalse(c.isOpen());
            assertEquals(0, alloc.metric().usedDirectMemory(), "read buffers released once closed");
        }
    }

    static Stream<Arguments> completingEnginesAndLoops() {
        return enginesAndLoops().filter(a -> a.get()[0] != AioEngine.IO_URING || a.get()[1] != LoopType.IO_URING);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("completingEnginesAndLoops")
    void loopShutdownClosesTheChannel(AioEngine engine, LoopType type) throws Exception {
        Path p = dir.resolve("shutdown.bin");
        Path r = Files.write(dir.resolve("shutdown-read.bin"), random(4 * 1024 * 1024));
        IoEventLoopGroup group = type.newGroup(1);
        try {
            // An engine that completes operations on its own threads once the loop is gone (on an io_uring loop
            // the file's own ring dies with the loop, and AioFile then pins what was in flight forever).
            Bootstrap b = new Bootstrap().group(group).channel(AioFileChannel.class)
                    .option(ChannelOption.ALLOCATOR, alloc).option(AioFileChannelOption.ENGINE, engine);
            Channel writer = connected(b.clone().handler(new ChannelInboundHandlerAdapter()).connect(AioFileAddress.write(p)));
            Channel reader = connected(b.clone().handler(new Collect()).connect(AioFileAddress.read(r)));
            List<ChannelFuture> writes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                writes.add(writer.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) i})));
            }
            // No quiet period: whatever is in flight may complete or fail, but nothing hangs or leaks.
            group.shutdownGracefully(0, 10, TimeUnit.SECONDS);
            for (ChannelFuture w : writes) {
                assertTrue(w.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "write never completed");
            }
            assertTrue(writer.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "writer never closed");
            assertTrue(reader.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "reader never closed");
            // The channels do not wait for a file whose loop is gone; the engine closes it once it is done.
            await(((AioFileChannel) writer).file().closeAsync());
            await(((AioFileChannel) reader).file().closeAsync());
            byte[] written = Files.readAllBytes(p);
            for (int i = 0; i < written.length; i++) {
                assertEquals((byte) i, written[i], "written in order");
            }
            long ok = writes.stream().filter(ChannelFuture::isSuccess).count();
            assertTrue(written.length >= ok, ok + " successful writes, " + written.length + " bytes in the file");
        } finally {
            assertTrue(group.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void connectedChannelRefusesToMoveToAnotherLoop(LoopType type) throws Exception {
        IoEventLoopGroup otherGroup = type.newGroup(1);
        try {
            IoEventLoop other = LoopType.loop(otherGroup);
            byte[] data = random(3 * CHUNK + 5);
            Path p = Files.write(dir.resolve("move.bin"), data);
            ThreadCheck check = new ThreadCheck();
            Collect collect = new Collect();
            Channel reader = connected(bootstrap(type, check, b -> b.option(ChannelOption.AUTO_READ, false), collect)
                    .connect(AioFileAddress.read(p)));
            IoEventLoop home = (IoEventLoop) reader.eventLoop();
            await(reader.deregister());
            assertInstanceOf(IllegalStateException.class, awaitFailure(other.register(reader)));
            assertSame(home, reader.eventLoop(), "the refused move leaves the channel on its loop");
            assertTrue(reader.isActive());
            await(home.register(reader)); // back on the loop its file completes on: it works as before
            reader.config().setAutoRead(true);
            awaitClosed(reader);
            assertTrue(collect.inactive.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "channelInactive at EOF");
            check.verify(reader);
            assertEquals(List.of(), collect.errors);
            assertArrayEquals(data, collect.bytes.toByteArray());

            Path w = dir.resolve("move-write.bin");
            Channel writer = connectWriter(type, AioFileAddress.write(w), b -> { }, check);
            await(writer.writeAndFlush(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)));
            await(writer.deregister());
            assertInstanceOf(IllegalStateException.class, awaitFailure(other.register(writer)));
            assertSame(home, writer.eventLoop());
            await(home.register(writer));
            await(writer.writeAndFlush(Unpooled.copiedBuffer("def", StandardCharsets.US_ASCII)));
            await(writer.close());
            check.verify(writer);
            assertEquals("abcdef", Files.readString(w));
        } finally {
            assertTrue(otherGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void connectingChannelRefusesToMoveToAnotherLoop(LoopType type) throws Exception {
        IoEventLoopGroup otherGroup = type.newGroup(1);
        try {
            IoEventLoop other = LoopType.loop(otherGroup);
            IoEventLoop home = AioTestSupport.loop(type);
            byte[] data = random(2 * CHUNK + 1);
            Path p = Files.write(dir.resolve("move-connecting.bin"), data);
            ThreadCheck check = new ThreadCheck();
            Collect collect = new Collect();
            ChannelFuture registered = bootstrap(type, check, b -> b.option(ChannelOption.AUTO_READ, false), collect)
                    .register();
            await(registered);
            Channel ch = registered.channel();
            CountDownLatch moveTried = new CountDownLatch(1);
            ChannelFuture[] connect = new ChannelFuture[1];
            ChannelFuture deregistered = onLoop(home, () -> {
                // Deregistration is queued first; its listener then holds the loop until the move was tried, so
                // the open (whose engine is set up on this loop) can't complete before: the channel is CONNECTING.
                ChannelFuture d = ch.deregister();
                d.addListener(f -> moveTried.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                connect[0] = ch.connect(AioFileAddress.read(p));
                return d;
            });
            ChannelFuture moved;
            try {
                await(deregistered);
                moved = other.register(ch);
                assertTrue(moved.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } finally {
                moveTried.countDown();
            }
            assertInstanceOf(IllegalStateException.class, moved.cause(), "moving a connecting channel: " + moved);
            await(connect[0]);
            assertSame(home, ch.eventLoop());
            assertTrue(ch.isActive());
            await(home.register(ch));
            ch.config().setAutoRead(true);
            awaitClosed(ch);
            check.verify(ch);
            assertEquals(List.of(), collect.errors);
            assertArrayEquals(data, collect.bytes.toByteArray());
        } finally {
            assertTrue(otherGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest(name = "{0} direct={1}")
    @MethodSource("loopsAndDirect")
    void shortReadIsNotEofWhileTheFileHasMore(LoopType type, boolean direct) throws Exception {
        int chunk = 8192;
        boolean provoked = false;
        for (int attempt = 0; attempt < 10 && !provoked; attempt++) {
            // The file ends 100 bytes into the second chunk: that read is short, then the file grows before the
            // short read is delivered (autoRead off, one buffer per read()).
            byte[] first = random(chunk + 100);
            byte[] more = random(3 * chunk + 1);
            Path p = Files.write(dir.resolve("grow" + attempt + ".bin"), first);
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
            ThreadCheck check = new ThreadCheck();
            Channel ch;
            try {
                ch = connected(bootstrap(type, check, b -> b.option(ChannelOption.AUTO_READ, false)
                                .option(AioFileChannelOption.CHUNK_SIZE, chunk)
                                .option(AioFileChannelOption.READ_AHEAD, 2)
                                .option(ChannelOption.RECVBUF_ALLOCATOR,
                                        new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(1)),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
                                ByteBuf b = (ByteBuf) msg;
                                sizes.add(b.readableBytes());
                                b.readBytes(got, b.readableBytes());
                                b.release();
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                events.add("complete");
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                events.add("error " + cause);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                events.add("inactive");
                            }
                        }).connect(direct ? AioFileAddress.read(p, AioOpenOption.DIRECT) : AioFileAddress.read(p)));
            } catch (IOException e) {
                if (direct) {
                    DirectIo.assumeSupported(p);
                }
                throw e;
            }
            ch.read();
            assertEquals("complete", events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the first chunk");
            // The channel's read of the second chunk was issued with the first; one of the same range issued now
            // on the same file completes after it in practice, so that read has found the end before it grows.
            ByteBuf probe = direct ? io.github.nettyaio.file.AlignedBuffers.allocate(alloc, 4096, chunk)
                    : alloc.directBuffer(chunk);
            try {
                await(((AioFileChannel) ch).file().read(probe, chunk));
            } finally {
                probe.release();
            }
            Files.write(p, more, StandardOpenOption.APPEND);
            for (int reads = 0;; reads++) {
                assertTrue(reads < 100, "never reached EOF");
                ch.read();
                String e = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(e, "no event after read()");
                if (e.equals("inactive")) {
                    break;
                }
                assertEquals("complete", e);
            }
            awaitClosed(ch);
            check.verify(ch);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(first);
            expected.write(more);
            assertArrayEquals(expected.toByteArray(), got.toByteArray(), "reads " + sizes);
            provoked = sizes.size() > 1 && sizes.get(1) == 100; // the short read came before the file grew
        }
        assertTrue(provoked, "the second read always completed after the file grew: the short read was never seen");
    }

    static Stream<Arguments> loopsAndDirect() {
        return LoopType.available().stream().flatMap(t -> Stream.of(Arguments.of(t, true), Arguments.of(t, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(LOOPS)
    void laterCloseDuringDrainFailsLikeTheFirst(LoopType type) throws Exception {
        Path p = dir.resolve("close-fails.bin");
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        ThreadCheck check = new ThreadCheck();
        Channel ch = directWriter(type, p, check, errors);
        // Not flushed: close() flushes it, O_DIRECT refuses the 100-byte write (EINVAL), so the close fails; the
        // second close() comes while the first is draining.
        ChannelFuture write = ch.write(Unpooled.wrappedBuffer(random(100)));
        ChannelFuture[] closes = onLoop(AioTestSupport.loop(type), () -> new ChannelFuture[] {ch.close(), ch.close()});
        Throwable first = awaitFailure(closes[0]);
        assertTrue(first.getMessage().contains("EINVAL"), first.getMessage());
        assertEquals(first, awaitFailure(closes[1]), "the second close reports the first one's outcome");
        assertInstanceOf(IOException.class, awaitFailure(write));
        assertEquals(first, errors.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS), "exceptionCaught with the write error");
        assertFalse(ch.isOpen());
        check.verify(ch);
    }

    /** A channel appending to {@code p} with O_DIRECT, its {@code exceptionCaught}s into {@code errors}. */
    private Channel directWriter(LoopType type, Path p, ThreadCheck check, BlockingQueue<Throwable> errors)
            throws Exception {
        try {
            return connected(bootstrap(type, check, b -> { }, new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                    errors.add(t);
                }
            }).connect(AioFileAddress.write(p, AioOpenOption.DIRECT)));
        } catch (IOException e) {
            DirectIo.assumeSupported(p.getParent());
            throw e;
        }
    }

    private Channel connectWriter(LoopType type, AioFileAddress address, Options options, ThreadCheck check)
            throws Exception {
        return connected(bootstrap(type, check, options, new ChannelInboundHandlerAdapter()).connect(address));
    }

    private static Channel connected(ChannelFuture connect) throws Exception {
        await(connect);
        return connect.channel();
    }

    private static Throwable awaitFailure(ChannelFuture f) throws InterruptedException {
        assertTrue(f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "future did not complete: " + f);
        assertFalse(f.isSuccess(), "expected a failure: " + f);
        return f.cause();
    }

    /** Collects read bytes (releasing each buffer), errors and channelInactive. */
    private static final class Collect extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch inactive = new CountDownLatch(1);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
            ByteBuf b = (ByteBuf) msg;
            try {
                int chunk = ctx.channel().config().getOption(AioFileChannelOption.CHUNK_SIZE);
                assertTrue(b.isReadable() && b.readableBytes() <= chunk, "a read of " + b.readableBytes() + " bytes");
                b.readBytes(bytes, b.readableBytes());
            } finally {
                b.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive.countDown();
        }
    }

    /** First in every pipeline: records any handler call, inbound or outbound, off the channel's loop. */
    @ChannelHandler.Sharable
    private static final class ThreadCheck extends ChannelDuplexHandler {
        private final List<String> off = Collections.synchronizedList(new ArrayList<>());
        private volatile int calls;

        private void check(ChannelHandlerContext ctx, String what) {
            calls++;
            if (!ctx.channel().eventLoop().inEventLoop()) {
                off.add(what + " on " + Thread.currentThread().getName());
            }
        }

        void verify(Channel ch) {
            assertTrue(calls > 0, "no handler call seen on " + ch);
            assertEquals(List.of(), off, "handler calls off the channel's event loop");
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            check(ctx, "channelActive");
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            check(ctx, "channelInactive");
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            check(ctx, "channelRead");
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            check(ctx, "channelReadComplete");
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            check(ctx, "channelWritabilityChanged");
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            check(ctx, "exceptionCaught");
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            check(ctx, "write");
            ctx.write(msg, promise);
        }
    }
}

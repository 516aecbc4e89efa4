/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.testing.DirectIo;
import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.AioFilePipelines;
import io.github.nettyaio.handler.ChunkedAioFile;
import io.github.nettyaio.handler.EmptyFlushFilter;
import io.github.nettyaio.sys.AioOpenOption;
import io.github.nettyaio.testing.FdCount;
import io.github.nettyaio.testing.PageCache;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.github.nettyaio.testsuite.AioTestSupport.TIMEOUT_SECONDS;
import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.SocketSupport.fileLoop;
import static io.github.nettyaio.testsuite.SocketSupport.random;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ChunkedAioFile} serving real files over real sockets on 127.0.0.1 through {@link ChunkedWriteHandler}:
 * raw, as HTTP chunked and gzip-compressed, over TLS, to a slow reader, with read errors, with the file on the
 * channel's loop and on another loop, on every event-loop type this machine runs.
 */
@EnabledOnOs(OS.LINUX)
class ChunkedAioFileTest extends PipelineTestBase {
    private static final int CHUNK = 8192;
    private static SelfSignedCertificate certificate;

    @AfterAll
    static void deleteCertificate() {
        if (certificate != null) {
            certificate.delete();
            certificate = null;
        }
    }

    private Path file(byte[] data) throws Exception {
        return Files.write(Files.createTempFile(dir, "data", ".bin"), data);
    }

    private static ChunkedAioFile input(Channel ch, AioFile file, long offset, long length) {
        return new ChunkedAioFile(ch, file, offset, length, CHUNK);
    }

    /** What one served connection gave. */
    private static final class Transfer {
        byte[] received;
        Future<Void> write;
        ChunkedAioFile input;
        Channel child;
        long lastProgress = -1;
        long total = -1;
        boolean progressOnChannelLoop = true;
        int unwritable;
        int chunks;
        int nullReads;
        boolean callsOnChannelLoop = true;

        /**
         * Checks that the transfer neither spun nor was resumed needlessly: each null from readChunk is a
         * suspension that only the completion of the chunk it waits for ends (that read then returns the chunk),
         * besides the first call and the extra calls writability changes make.
         */
        void assertNoSpin(String what) {
            assertTrue(callsOnChannelLoop, what + ": ChunkedInput called off the channel's loop");
            assertTrue(nullReads <= chunks + 2 + 2 * unwritable,
                    what + ": " + nullReads + " null reads for " + chunks + " chunks, unwritable " + unwritable);
        }
    }

    /** Passes {@link Transfer#input} to ChunkedWriteHandler, counting what readChunk returns. */
    private static final class Counting implements ChunkedInput<ByteBuf> {
        private final Transfer t;
        private final Channel ch;

        Counting(Transfer t, Channel ch) {
            this.t = t;
            this.ch = ch;
        }

        @Override
        public boolean isEndOfInput() throws Exception {
            return t.input.isEndOfInput();
        }

        @Override
        public void close() throws Exception {
            t.input.close();
        }

        @Deprecated
        @Override
        public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
            return readChunk(ctx.alloc());
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
            t.callsOnChannelLoop &= ch.eventLoop().inEventLoop();
            ByteBuf b = t.input.readChunk(allocator);
            if (b == null) {
                t.nullReads++;
            } else {
                t.chunks++;
            }
            return b;
        }

        @Override
        public long length() {
            return t.input.length();
        }

        @Override
        public long progress() {
            return t.input.progress();
        }
    }

    private Transfer serve(LoopType type, AioFile file, BiFunction<Channel, AioFile, ChunkedAioFile> input)
            throws Exception {
        return serve(type, file, input, ch -> { }, ch -> { }, b -> { });
    }

    /**
     * Accepts one connection whose pipeline is {@code serverInit}'s handlers, a {@link ChunkedWriteHandler} (unless
     * {@code serverInit} added one) and a
     * handler that writes {@code input} when active, then (after the write succeeded or failed) writes an empty
     * buffer and closes; a client whose pipeline is {@code clientInit}'s handlers and a {@link SocketSupport.Collector}
     * collects every byte until the close.
     */
    private Transfer serve(LoopType type, AioFile file, BiFunction<Channel, AioFile, ? extends Object> input,
                           Consumer<Channel> serverInit, Consumer<Channel> clientInit,
                           Consumer<io.netty.bootstrap.Bootstrap> clientOptions) throws Exception {
        Transfer t = new Transfer();
        Promise<Void> written = GlobalEventExecutor.INSTANCE.newPromise();
        t.write = written;
        Channel server = SocketSupport.server(type, ch -> {
            t.child = ch;
            serverInit.accept(ch);
            if (ch.pipeline().get(ChunkedWriteHandler.class) == null) {
                ch.pipeline().addLast(new ChunkedWriteHandler());
            }
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    Object msg = input.apply(ch, file);
                    if (msg instanceof ChunkedAioFile) {
                        t.input = (ChunkedAioFile) msg;
                        msg = new Counting(t, ch);
                    }
                    ChannelProgressivePromise p = ctx.newProgressivePromise();
                    p.addListener(new ChannelProgressiveFutureListener() {
                        @Override
                        public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
                            t.progressOnChannelLoop &= ch.eventLoop().inEventLoop();
                            t.lastProgress = progress;
                            t.total = total;
                        }

                        @Override
                        public void operationComplete(ChannelProgressiveFuture f) {
                            if (f.isSuccess()) {
                                written.trySuccess(null);
                            } else {
                                written.tryFailure(f.cause());
                            }
                            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                        }
                    });
                    ctx.writeAndFlush(msg, p);
                    ctx.fireChannelActive();
                }

                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    if (!ctx.channel().isWritable()) {
                        t.unwritable++;
                    }
                    ctx.fireChannelWritabilityChanged();
                }
            });
        }).bind(SocketSupport.localhost()).sync().channel();
        try {
            SocketSupport.Collector collector = new SocketSupport.Collector();
            io.netty.bootstrap.Bootstrap b = SocketSupport.client(type, ch -> {
                clientInit.accept(ch);
                ch.pipeline().addLast(collector);
            });
            clientOptions.accept(b);
            b.connect(server.localAddress()).sync();
            t.received = await(collector.received);
            assertTrue(written.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "server write completes");
            assertTrue(t.child.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            return t;
        } finally {
            server.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "{0} on {1}, file on the channel's loop: {2}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#placements")
    void servesRegionsByteForByte(AioEngine engine, LoopType type, boolean sameLoop) throws Exception {
        byte[] data = random(3 * (1 << 20) + 123);
        Path p = file(data);
        IoEventLoop loop = fileLoop(type, sameLoop);
        assertEquals(sameLoop, loop == LoopType.loop(SocketSupport.group(type)));
        try (AioFile f = AioFile.open(loop, p, engine, READ)) {
            long[][] regions = {{0, 0}, {0, 1}, {0, CHUNK - 1}, {0, CHUNK}, {0, CHUNK + 1}, {7, 3 * CHUNK + 5},
                    {4097, data.length - 4097}, {0, data.length}};
            for (long[] r : regions) {
                Transfer t = serve(type, f, (ch, file) -> input(ch, file, r[0], r[1]));
                String what = "region " + Arrays.toString(r);
                assertTrue(t.write.isSuccess(), () -> what + ": " + t.write.cause());
                assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])), t.received, what);
                assertTrue(t.input.isEndOfInput(), what);
                assertEquals(r[1], t.input.progress(), what);
                assertEquals(r[1], t.input.length(), what);
                assertEquals(r[0] + r[1], t.input.currentOffset(), what);
                assertEquals(r[1], t.lastProgress, what + ": last progress reported");
                assertEquals(r[1], t.total, what + ": total reported");
                assertTrue(t.progressOnChannelLoop, what);
                t.assertNoSpin(what);
            }
            // ChunkedWriteHandler closed every input; the file itself stays open and usable.
            ByteBuf b = Unpooled.directBuffer(16);
            try {
                assertEquals(16, await(f.read(b, 0)));
            } finally {
                b.release();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void queuedInputsAreServedInOrder(LoopType type) throws Exception {
        byte[] data = random((2 << 20) + 99);
        long[][] regions = {{1 << 20, (1 << 20) + 99}, {5, 1}, {0, 0}, {0, 1 << 20}, {77, 3 * CHUNK}};
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (long[] r : regions) {
            expected.write(data, (int) r[0], (int) r[1]);
        }
        try (AioFile f = AioFile.open(fileLoop(type, false), file(data), READ)) {
            Promise<Channel> child = GlobalEventExecutor.INSTANCE.newPromise();
            Channel server = SocketSupport.server(type, ch -> {
                child.trySuccess(ch);
                ch.pipeline().addLast(new ChunkedWriteHandler(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        for (long[] r : regions) {      // all queued at once, behind each other
                            ctx.write(new ChunkedAioFile(ch, f, r[0], r[1], CHUNK, 3));
                        }
                        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                        ctx.fireChannelActive();
                    }
                });
            }).bind(SocketSupport.localhost()).sync().channel();
            try {
                SocketSupport.Collector collector = new SocketSupport.Collector();
                SocketSupport.client(type, ch -> ch.pipeline().addLast(collector)).connect(server.localAddress()).sync();
                assertArrayEquals(expected.toByteArray(), await(collector.received));
                assertTrue(await(child).closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } finally {
                server.close().sync();
            }
        }
    }

    /** Regions of an O_DIRECT file: aligned starts, any length, ending inside the file or at its unaligned end. */
    @ParameterizedTest(name = "{0} on {1}, file on the channel's loop: {2}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#placements")
    void servesDirectIoRegions(AioEngine engine, LoopType type, boolean sameLoop) throws Exception {
        byte[] data = random(5 * 4096 + 1234);
        Path p = file(data);
        DirectIo.assumeSupported(p);
        AioFile f = AioFile.open(fileLoop(type, sameLoop), p, engine, READ, AioOpenOption.DIRECT);
        try {
            long[][] regions = {{0, data.length}, {4096, 100}, {8192, 2 * 4096}, {0, 4096 + 1}, {4096, data.length - 4096},
                    {0, 0}};
            for (long[] r : regions) {
                Transfer t = serve(type, f, (ch, file) -> new ChunkedAioFile(ch, file, r[0], r[1], 2 * 4096));
                String what = "region " + Arrays.toString(r);
                assertTrue(t.write.isSuccess(), () -> what + ": " + t.write.cause());
                assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])), t.received, what);
            }
            Channel ch = SocketSupport.client(type, c -> { }).register().sync().channel();
            try {
                assertThrows(IllegalArgumentException.class, () -> new ChunkedAioFile(ch, f, 100, 10, 4096));
                assertThrows(IllegalArgumentException.class, () -> new ChunkedAioFile(ch, f, 0, 10, 1000));
            } finally {
                ch.close().sync();
            }
        } finally {
            f.close();
        }
    }

    /** Every loop type, each with false and true. */
    static Stream<Arguments> loopsAndBoolean() {
        return SocketSupport.loops().flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
    }

    @ParameterizedTest(name = "{0}, TLS: {1}")
    @MethodSource("loopsAndBoolean")
    void httpChunkedGzipDecodedByteForByte(LoopType type, boolean tls) throws Exception {
        SslContext serverTls = tls ? serverTls() : null;
        SslContext clientTls = tls ? clientTls() : null;
        // Half random, half text: compressible enough to show that gzip was applied.
        byte[] text = "netty-aio serves files without blocking the event loop. ".repeat(20_000)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] data = Arrays.copyOf(random(1 << 20), (1 << 20) + text.length);
        System.arraycopy(text, 0, data, 1 << 20, text.length);
        Path p = file(data);
        AtomicReference<String> encoding = new AtomicReference<>();
        AtomicLong wireBytes = new AtomicLong();
        Promise<byte[]> body = GlobalEventExecutor.INSTANCE.newPromise();
        AtomicReference<Channel> child = new AtomicReference<>();
        try (AioFile f = AioFile.open(fileLoop(type, false), p, READ)) {
            Channel server = SocketSupport.server(type, ch -> {
                child.set(ch);
                if (tls) {
                    ch.pipeline().addLast(serverTls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(new HttpServerCodec(),
                    new HttpContentCompressor(), new ChunkedWriteHandler(), new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof HttpRequest) {
                                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                                res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
                                HttpUtil.setTransferEncodingChunked(res, true);
                                ctx.write(res);
                                ctx.writeAndFlush(new HttpChunkedInput(new ChunkedAioFile(ch, f, 0, data.length, CHUNK)));
                            }
                            ReferenceCountUtil.release(msg);
                        }
                    });
            }).bind(SocketSupport.localhost()).sync().channel();
            try {
                Channel client = SocketSupport.client(type, ch -> {
                    if (tls) {
                        ch.pipeline().addLast(clientTls.newHandler(ch.alloc(), "localhost", 0));
                    }
                    ch.pipeline().addLast(new HttpClientCodec(),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof HttpResponse) {
                                    encoding.set(((HttpResponse) msg).headers().get(HttpHeaderNames.CONTENT_ENCODING));
                                }
                                if (msg instanceof HttpContent) {
                                    wireBytes.addAndGet(((HttpContent) msg).content().readableBytes());
                                }
                                ctx.fireChannelRead(msg);
                            }
                        }, new HttpContentDecompressor(0), new ChannelInboundHandlerAdapter() {
                            private final ByteArrayOutputStream out = new ByteArrayOutputStream();

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                try {
                                    if (msg instanceof HttpContent) {
                                        ByteBuf c = ((HttpContent) msg).content();
                                        byte[] a = new byte[c.readableBytes()];
                                        c.readBytes(a);
                                        out.write(a, 0, a.length);
                                    }
                                    if (msg instanceof LastHttpContent) {
                                        body.trySuccess(out.toByteArray());
                                    }
                                } finally {
                                    ReferenceCountUtil.release(msg);
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                body.tryFailure(cause);
                            }
                        });
                }).connect(server.localAddress()).sync().channel();
                DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/data");
                req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
                req.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP);
                client.writeAndFlush(req).sync();
                assertArrayEquals(data, await(body));
                assertEquals("gzip", encoding.get());
                assertTrue(wireBytes.get() < data.length * 3L / 4, "compressed: " + wireBytes.get() + " bytes");
                client.close().sync();
                assertTrue(child.get().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } finally {
                server.close().sync();
            }
        }
    }

    /** A self-signed certificate for "localhost" (made once per class). */
    private static synchronized SelfSignedCertificate certificate() throws Exception {
        if (certificate == null) {
            certificate = new SelfSignedCertificate("localhost");
        }
        return certificate;
    }

    private static SslContext serverTls() throws Exception {
        SelfSignedCertificate cert = certificate();
        return SslContextBuilder.forServer(cert.key(), cert.cert()).build();
    }

    /** A client context trusting {@link #certificate()} (made for the host name "localhost"). */
    private static SslContext clientTls() throws Exception {
        return SslContextBuilder.forClient().trustManager(certificate().cert()).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void servesOverTls(LoopType type) throws Exception {
        serveOverTls(type, 2 * (1 << 20) + 5, ch -> { });
    }

    /**
     * Serves a file of {@code size} random bytes over TLS to a TLS client, with {@code afterTls}'s handlers between
     * the server's {@code SslHandler} and its {@code ChunkedWriteHandler}; checks that all of it arrived.
     */
    private Transfer serveOverTls(LoopType type, int size, Consumer<Channel> afterTls) throws Exception {
        SslContext serverCtx = serverTls();
        SslContext clientCtx = clientTls();
        byte[] data = random(size);
        try (AioFile f = AioFile.open(fileLoop(type, false), file(data), READ)) {
            Transfer t = serve(type, f, (ch, file) -> input(ch, file, 0, data.length),
                    ch -> {
                        ch.pipeline().addLast(serverCtx.newHandler(ch.alloc()));
                        afterTls.accept(ch);
                    },
                    ch -> ch.pipeline().addLast(clientCtx.newHandler(ch.alloc(), "localhost", 0)), b -> { });
            assertTrue(t.write.isSuccess(), () -> String.valueOf(t.write.cause()));
            assertArrayEquals(data, t.received);
            return t;
        }
    }

    /** Counts the flushes that reach it with nothing written through it since the previous flush. */
    private static final class EmptyFlushCounter extends io.netty.channel.ChannelOutboundHandlerAdapter {
        boolean written;
        int flushes;
        int empty;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
            written = true;
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            if (!written) {
                empty++;
            }
            written = false;
            ctx.flush();
        }
    }

    /**
     * With an {@link EmptyFlushFilter} on the head side of {@code ChunkedWriteHandler}, no flush without a write
     * reaches the {@code SslHandler} (each would be wrapped and sent as an empty buffer), and none that is needed
     * is lost: the whole file arrives, byte for byte.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void emptyFlushFilterKeepsEmptyFlushesFromTls(LoopType type) throws Exception {
        EmptyFlushCounter[] below = new EmptyFlushCounter[1];
        EmptyFlushFilter[] filter = new EmptyFlushFilter[1];
        Transfer t = serveOverTls(type, 4 * (1 << 20) + 17, ch -> {
            below[0] = new EmptyFlushCounter();
            filter[0] = new EmptyFlushFilter();
            ch.pipeline().addLast(below[0], filter[0]);
        });
        int[] seen = t.child.eventLoop().submit(() -> new int[] {below[0].flushes, below[0].empty})
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(seen[0] > 0, "flushes reached the TLS handler");
        assertEquals(0, seen[1], "flushes with nothing written that reached the TLS handler (the filter dropped "
                + filter[0].droppedFlushes() + ")");
    }

    /** A client channel (not connected) registered on a loop of {@code type}, allocating from {@code alloc}. */
    private static Channel registeredClient(LoopType type, TrackingAllocator alloc) throws InterruptedException {
        return SocketSupport.client(type, c -> { }).option(ChannelOption.ALLOCATOR, alloc).register().sync()
                .channel();
    }

    /**
     * {@code prefetch()} starts the read-ahead and succeeds once the first chunk is in memory: the first
     * {@code readChunk} then returns it at once instead of null. Asking again gives the same future.
     */
    @ParameterizedTest(name = "{0} on {1}, file on the channel's loop: {2}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#placements")
    void prefetchMakesTheFirstChunkReady(AioEngine engine, LoopType type, boolean sameLoop) throws Exception {
        byte[] data = random(100_000);
        TrackingAllocator alloc = new TrackingAllocator();
        Channel ch = registeredClient(type, alloc);
        AioFile f = AioFile.open(fileLoop(type, sameLoop), file(data), engine, READ);
        try {
            ChunkedAioFile in = new ChunkedAioFile(ch, f, 0, data.length, 65536);
            IoEventLoop loop = (IoEventLoop) ch.eventLoop();
            assertThrows(IllegalStateException.class, in::prefetch, "off the channel's loop");
            Future<Void> ready = AioTestSupport.onLoop(loop, () -> {
                Future<Void> p = in.prefetch();
                assertSame(p, in.prefetch());
                return p;
            });
            await(ready);
            AioTestSupport.onLoop(loop, () -> {
                ByteBuf chunk = in.readChunk(ch.alloc());
                assertNotNull(chunk, "the prefetched chunk is there at once");
                assertArrayEquals(Arrays.copyOf(data, 65536), io.netty.buffer.ByteBufUtil.getBytes(chunk));
                chunk.release();
                in.close();
                return null;
            });
            alloc.assertAllReleasedAfterClosing(f, ch.eventLoop());
        } finally {
            f.close();
            ch.close().sync();
        }
    }

    /**
     * A chunk handed out is replaced by a read issued in a later task of the loop, not inline: the socket writes of
     * the loop round go out before its file reads. Calling readChunk again in the same task issues nothing either.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void takingAChunkRefillsTheReadAheadInALaterTask(LoopType type) throws Exception {
        byte[] data = random(4 * 65536);
        TrackingAllocator alloc = new TrackingAllocator();
        Channel ch = registeredClient(type, alloc);
        AioFile f = AioFile.open(fileLoop(type, true), file(data), READ);
        try {
            ChunkedAioFile in = new ChunkedAioFile(ch, f, 0, data.length, 65536, 2);
            IoEventLoop loop = (IoEventLoop) ch.eventLoop();
            await(AioTestSupport.onLoop(loop, in::prefetch));
            assertEquals(2, alloc.allocated());
            AioTestSupport.onLoop(loop, () -> {
                ByteBuf chunk = in.readChunk(ch.alloc());
                assertNotNull(chunk);
                chunk.release();
                assertEquals(2, alloc.allocated(), "no read issued inline");
                ByteBuf second = in.readChunk(ch.alloc());   // read ahead already: taken, still nothing issued
                if (second != null) {
                    second.release();
                }
                assertEquals(2, alloc.allocated(), "no read issued inline by a second call either");
                return null;
            });
            assertTrue(AioTestSupport.onLoop(loop, alloc::allocated) >= 3, "the refill ran in a later task");
            AioTestSupport.onLoop(loop, () -> {
                in.close();
                return null;
            });
            alloc.assertAllReleasedAfterClosing(f, ch.eventLoop());
        } finally {
            f.close();
            ch.close().sync();
        }
    }

    /** {@code prefetch()} never fails: a failed first read succeeds it and is thrown by readChunk; so does close. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void prefetchSucceedsOnAFailedReadAndOnClose(LoopType type) throws Exception {
        byte[] data = random(1000);
        Channel ch = SocketSupport.client(type, c -> { }).register().sync().channel();
        AioFile f = AioFile.open(fileLoop(type, true), file(data), READ);
        try {
            IoEventLoop loop = (IoEventLoop) ch.eventLoop();
            // The region runs past the end of the file: the first read comes up short.
            ChunkedAioFile past = new ChunkedAioFile(ch, f, 0, 5000, 4096);
            await(AioTestSupport.onLoop(loop, past::prefetch));
            AioTestSupport.onLoop(loop, () -> {
                assertThrows(EOFException.class, () -> past.readChunk(ch.alloc()));
                past.close();
                return null;
            });
            ChunkedAioFile closed = new ChunkedAioFile(ch, f, 0, data.length, 4096);
            Future<Void> p = AioTestSupport.onLoop(loop, () -> {
                Future<Void> x = closed.prefetch();
                closed.close();
                return x;
            });
            await(p);
            ChunkedAioFile empty = new ChunkedAioFile(ch, f, 0, 0, 4096);
            assertTrue(AioTestSupport.onLoop(loop, empty::prefetch).isSuccess(), "an empty region is ready at once");
        } finally {
            f.close();
            ch.close().sync();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void slowReaderGetsEverything(LoopType type) throws Exception {
        byte[] data = random(8 << 20);
        try (AioFile f = AioFile.open(fileLoop(type, false), file(data), READ)) {
            Transfer t = serve(type, f, (ch, file) -> new ChunkedAioFile(ch, file, 0, data.length, 16384, 3),
                    ch -> {
                        ch.config().setOption(ChannelOption.SO_SNDBUF, 16 * 1024);
                        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8 * 1024, 32 * 1024));
                    },
                    ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.read();
                            ctx.fireChannelActive();
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            ctx.read();     // one small read per loop round
                            ctx.fireChannelReadComplete();
                        }
                    }),
                    b -> b.option(ChannelOption.AUTO_READ, false)
                            .option(ChannelOption.SO_RCVBUF, 16 * 1024)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048)
                                    .maxMessagesPerRead(1)));
            assertTrue(t.write.isSuccess(), () -> String.valueOf(t.write.cause()));
            assertArrayEquals(data, t.received);
            assertTrue(t.unwritable > 0, "the reader was slower than the file: the server became unwritable");
            t.assertNoSpin("slow reader");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void readPastTruncatedEndFailsTheWrite(LoopType type) throws Exception {
        byte[] data = random(1 << 20);
        Path p = file(data);
        int truncated = 300_000;
        try (AioFile f = AioFile.open(fileLoop(type, false), p, READ)) {
            try (FileChannel fc = FileChannel.open(p, WRITE)) {
                fc.truncate(truncated);
            }
            Transfer t = serve(type, f, (ch, file) -> input(ch, file, 0, data.length));
            assertInstanceOf(EOFException.class, t.write.cause());
            int whole = truncated / CHUNK * CHUNK;            // the chunks before the short one were sent
            assertArrayEquals(Arrays.copyOf(data, whole), t.received);
            assertEquals(whole, t.input.progress());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void fileClosedMidTransferFailsTheWrite(LoopType type) throws Exception {
        byte[] data = random(4 << 20);
        AioFile f = AioFile.open(fileLoop(type, false), file(data), READ);
        try {
            AtomicBoolean closing = new AtomicBoolean();
            Transfer t = serve(type, f, (ch, file) -> input(ch, file, 0, data.length), ch -> ch.pipeline().addLast(
                    new ChannelDuplexHandler() {
                        @Override
                        public void flush(ChannelHandlerContext ctx) {
                            // after the first chunk went out: close the file under the transfer
                            if (closing.compareAndSet(false, true)) {
                                f.closeAsync();
                            }
                            ctx.flush();
                        }
                    }), ch -> { }, b -> { });
            assertInstanceOf(ClosedChannelException.class, t.write.cause());
            assertTrue(t.received.length < data.length);
            assertArrayEquals(Arrays.copyOf(data, t.received.length), t.received);
            assertEquals(t.received.length, t.input.progress());
        } finally {
            f.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void clientGoingAwayMidTransferReleasesEverything(LoopType type) throws Exception {
        byte[] data = random(8 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        try (AioFile f = AioFile.open(fileLoop(type, false), file(data), READ)) {
            Transfer t = serve(type, f, (ch, file) -> new ChunkedAioFile(ch, file, 0, data.length, 65536, 4),
                    ch -> {
                        ch.config().setAllocator(alloc);
                        ch.config().setOption(ChannelOption.SO_SNDBUF, 16 * 1024);
                    },
                    ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        private int seen;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            seen += ((ByteBuf) msg).readableBytes();
                            ctx.fireChannelRead(msg);
                            if (seen > 100_000) {
                                ctx.close();
                            }
                        }
                    }), b -> b.option(ChannelOption.SO_RCVBUF, 16 * 1024));
            assertFalse(t.write.isSuccess());
            assertTrue(t.received.length < data.length);
            assertArrayEquals(Arrays.copyOf(data, t.received.length), t.received);
            alloc.assertAllReleasedAfterClosing(f, t.child.eventLoop());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void channelLoopShutdownMidTransferReleasesEverything(LoopType type) throws Exception {
        byte[] data = random(16 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        IoEventLoopGroup group = ownGroup(type);     // the channels' own loop, shut down under the transfer
        AioFile f = AioFile.open(fileLoop(type, false), file(data), READ);
        try {
            Channel server = SocketSupport.server(type, group, ch -> {
                ch.config().setAllocator(alloc);
                ch.pipeline().addLast(new ChunkedWriteHandler(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(new ChunkedAioFile(ch, f, 0, data.length, 65536, 4));
                        ctx.fireChannelActive();
                    }
                });
            }).bind(SocketSupport.localhost()).sync().channel();
            SocketSupport.client(type, group, ch -> ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                private int seen;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    seen += ((ByteBuf) msg).readableBytes();
                    ReferenceCountUtil.release(msg);
                    if (seen > (1 << 20)) {
                        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                    }
                }
            })).connect(server.localAddress()).sync();
            assertTrue(group.terminationFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "loop terminated");
            alloc.assertAllReleasedAfterClosing(f);   // the reads orphaned by the loop released their buffers
        } finally {
            f.close();
        }
    }

    @ParameterizedTest(name = "{0} on {1}, file on the channel's loop: {2}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#placements")
    void closeWithReadsInFlightReleasesEveryBuffer(AioEngine engine, LoopType type, boolean sameLoop)
            throws Exception {
        // On a shared ring the first read of an evicted file is tried on the loop with RWF_NOWAIT, which starts
        // reading the pages before it fails; a fast virtual disk can finish that read within the call (1 to 25% of
        // tries here, varying with the host), and that read is rightly done at once. Then try again on a newly
        // evicted file, up to 20 times: a read that waited for the disk would be done within the call every time.
        for (int attempt = 1; !closeWithReadsInFlight(engine, type, sameLoop); attempt++) {
            assertTrue(attempt < 20, "20 first reads of just-evicted files were all done within the call");
        }
    }

    /**
     * {@link #closeWithReadsInFlightReleasesEveryBuffer}, once; false, with everything released and closed, if
     * the first read was done within the call, so no read was in flight.
     */
    private boolean closeWithReadsInFlight(AioEngine engine, LoopType type, boolean sameLoop) throws Exception {
        byte[] data = random(1 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        Promise<Void> resumed = GlobalEventExecutor.INSTANCE.newPromise();
        Channel ch = SocketSupport.client(type, c -> c.pipeline().addLast(new ChannelDuplexHandler() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                resumed.trySuccess(null);         // no ChunkedWriteHandler here: resuming flushes the channel
                ctx.flush();
            }
        })).option(ChannelOption.ALLOCATOR, alloc).register().sync().channel();
        Path p = file(data);
        // Else a shared ring reads cached chunks on the loop, within the call, and no read would be in flight.
        Assumptions.assumeTrue(PageCache.evict(p), "the kernel kept the file's first page in the page cache");
        AioFile f = AioFile.open(fileLoop(type, sameLoop), p, engine, READ);
        try {
            ChunkedAioFile in = new ChunkedAioFile(ch, f, 0, data.length, 65536, 4);
            IoEventLoop loop = (IoEventLoop) ch.eventLoop();
            // reads in flight only
            ByteBuf atOnce = AioTestSupport.onLoop(loop, () -> in.readChunk(ch.alloc()));
            if (atOnce != null) {
                assertArrayEquals(Arrays.copyOf(data, 65536), io.netty.buffer.ByteBufUtil.getBytes(atOnce));
                atOnce.release();
                AioTestSupport.onLoop(loop, () -> {
                    in.close();
                    return null;
                });
                alloc.assertAllReleasedAfterClosing(f, ch.eventLoop());
                return false;
            }
            assertEquals(4, alloc.allocated());
            assertEquals(4, alloc.unreleased().size());
            await(resumed);                   // the first chunk is read: take it, then close with the rest mixed
            AioTestSupport.onLoop(loop, () -> {
                ByteBuf chunk = in.readChunk(ch.alloc());
                assertEquals(65536, chunk.readableBytes());
                assertArrayEquals(Arrays.copyOf(data, 65536), io.netty.buffer.ByteBufUtil.getBytes(chunk));
                chunk.release();
                assertFalse(in.isEndOfInput());
                return null;
            });
            // Taking a chunk refilled the read-ahead in a task of its own, which has run by now.
            AioTestSupport.onLoop(loop, () -> {
                in.close();
                assertFalse(in.isEndOfInput(), "closing is not the end of the input");
                assertThrows(ClosedChannelException.class, () -> in.readChunk(ch.alloc()));
                in.close();                   // idempotent
                return null;
            });
            assertEquals(5, alloc.allocated());
            alloc.assertAllReleasedAfterClosing(f, ch.eventLoop());
            assertThrows(IllegalStateException.class, () -> in.readChunk(ch.alloc()), "off the channel's loop");
            return true;
        } finally {
            f.close();
            ch.close().sync();
        }
    }

    /**
     * Closes inputs at many points while reads complete (closing on the loop and from another thread, after 0 to 2
     * chunks taken, with 1 to 4 reads ahead): every chunk handed out holds the right bytes and every buffer is
     * released exactly once.
     */
    @ParameterizedTest(name = "{0} on {1}, file on the channel's loop: {2}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#placements")
    void closeRacingCompletionsReleasesEveryBuffer(AioEngine engine, LoopType type, boolean sameLoop)
            throws Exception {
        byte[] data = random(1 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        Channel ch = registeredClient(type, alloc);
        IoEventLoop loop = (IoEventLoop) ch.eventLoop();
        AioFile f = AioFile.open(fileLoop(type, sameLoop), file(data), engine, READ);
        try {
            for (int i = 0; i < 30; i++) {
                ChunkedAioFile in = new ChunkedAioFile(ch, f, 0, data.length, 16384, 1 + i % 4);
                for (int k = 0; k <= i % 3; k++) {
                    AioTestSupport.onLoop(loop, () -> {
                        int at = (int) in.currentOffset();
                        ByteBuf chunk = in.readChunk(ch.alloc());
                        if (chunk != null) {
                            try {
                                assertArrayEquals(Arrays.copyOfRange(data, at, at + 16384),
                                        io.netty.buffer.ByteBufUtil.getBytes(chunk));
                            } finally {
                                chunk.release();
                            }
                        }
                        return null;
                    });
                }
                if (i % 2 == 0) {
                    AioTestSupport.onLoop(loop, () -> {
                        in.close();
                        return null;
                    });
                } else {
                    in.close();                  // from another thread: handed to the loop
                }
            }
            alloc.assertAllReleasedAfterClosing(f, loop);
        } finally {
            f.close();
            ch.close().sync();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void closeAfterTheChannelLoopIsGoneReleasesEveryBuffer(LoopType type) throws Exception {
        byte[] data = random(1 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        Promise<Void> resumed = GlobalEventExecutor.INSTANCE.newPromise();
        IoEventLoopGroup group = ownGroup(type);
        AioFile f = AioFile.open(fileLoop(type, false), file(data), READ);
        try {
            Channel ch = SocketSupport.client(type, group, c -> c.pipeline().addLast(new ChannelDuplexHandler() {
                @Override
                public void flush(ChannelHandlerContext ctx) {
                    resumed.trySuccess(null);
                    ctx.flush();
                }
            })).option(ChannelOption.ALLOCATOR, alloc).register().sync().channel();
            ChunkedAioFile in = new ChunkedAioFile(ch, f, 0, data.length, 65536, 8);
            assertNull(AioTestSupport.onLoop((IoEventLoop) ch.eventLoop(), () -> in.readChunk(ch.alloc())));
            await(resumed);                        // the first chunk is held, later ones held or in flight
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            assertTrue(group.terminationFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            in.close();                            // from here: the loop is gone
            assertFalse(in.isEndOfInput(), "closing is not the end of the input");
            assertEquals(8, alloc.allocated());
            alloc.assertAllReleasedAfterClosing(f);
        } finally {
            f.close();
        }
    }

    /**
     * Passes a {@link ChunkedAioFile} on; once it has handed out a chunk, occupies the file's loop (no read
     * completes until {@link #open()}) and, once the transfer is suspended on the input (waiting for a read that
     * can't complete now), closes the input from a worker thread: an application cancelling a download.
     */
    private static final class CancelledMidTransfer implements ChunkedInput<ByteBuf> {
        final ChunkedAioFile in;
        /** The worker's {@code close()} returned. */
        final Promise<Void> closed = GlobalEventExecutor.INSTANCE.newPromise();
        private final CountDownLatch gate = new CountDownLatch(1);
        private final AtomicBoolean closing = new AtomicBoolean();
        private volatile boolean fileLoopHeld;
        /** The last readChunk returned null: the transfer is suspended until a read completes. */
        private volatile boolean suspended;
        private boolean holding;

        CancelledMidTransfer(ChunkedAioFile in) {
            this.in = in;
        }

        /** Lets the file's loop go on. */
        void open() {
            gate.countDown();
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
            ByteBuf b = in.readChunk(allocator);
            suspended = b == null;
            if (b != null && !holding) {
                holding = true;
                in.file().eventLoop().execute(() -> {
                    fileLoopHeld = true;
                    closeIfStuck();
                    try {
                        gate.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } else if (b == null) {
                closeIfStuck();
            }
            return b;
        }

        /** On either loop: both set their flag, then check the other's, so one of them sees both. */
        private void closeIfStuck() {
            if (fileLoopHeld && suspended && closing.compareAndSet(false, true)) {
                GlobalEventExecutor.INSTANCE.execute(() -> {
                    in.close();
                    closed.trySuccess(null);
                });
            }
        }

        @Deprecated
        @Override
        public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
            return readChunk(ctx.alloc());
        }

        @Override
        public boolean isEndOfInput() {
            return in.isEndOfInput();
        }

        @Override
        public void close() {
            in.close();
        }

        @Override
        public long length() {
            return in.length();
        }

        @Override
        public long progress() {
            return in.progress();
        }
    }

    /** Between an {@link HttpResponseDecoder} and a {@link SocketSupport.Collector}: passes the body's bytes on. */
    private static final class BodyBytes extends ChannelInboundHandlerAdapter {
        volatile boolean lastContent;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof LastHttpContent) {
                lastContent = true;
            }
            if (msg instanceof HttpContent) {
                ctx.fireChannelRead(((HttpContent) msg).content());
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** Writes the head of a chunked 200 response to {@code ch}; returns {@code body} as its HTTP chunks. */
    private static HttpChunkedInput chunkedResponse(Channel ch, ChunkedInput<ByteBuf> body) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setTransferEncodingChunked(res, true);
        ch.write(res);
        return new HttpChunkedInput(body);
    }

    /** A server channel on {@code alloc}, with an HTTP codec if {@code http}. */
    private static Consumer<Channel> serverInit(TrackingAllocator alloc, boolean http) {
        return ch -> {
            ch.config().setAllocator(alloc);
            if (http) {
                ch.pipeline().addLast(new HttpServerCodec());
            }
        };
    }

    /** A client passing the bytes of the response body to {@code body} if {@code http}. */
    private static Consumer<Channel> clientInit(boolean http, BodyBytes body) {
        return ch -> {
            if (http) {
                ch.pipeline().addLast(new HttpResponseDecoder(), body);
            }
        };
    }

    /**
     * An input closed from another thread before its first chunk (right after being written and flushed): the
     * write fails with {@link ClosedChannelException}, nothing is sent, over HTTP no {@link LastHttpContent}
     * either (the empty body must not look complete), and every buffer is released.
     */
    @ParameterizedTest(name = "{0}, HTTP: {1}")
    @MethodSource("loopsAndBoolean")
    void inputClosedBeforeItsFirstChunkFailsTheWrite(LoopType type, boolean http) throws Exception {
        byte[] data = random(1 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        BodyBytes body = new BodyBytes();
        try (AioFile f = AioFile.open(fileLoop(type, false), file(data), READ)) {
            Transfer t = serve(type, f, (ch, file) -> {
                ChunkedAioFile in = input(ch, file, 0, data.length);
                GlobalEventExecutor.INSTANCE.submit(in::close).syncUninterruptibly();
                return http ? chunkedResponse(ch, in) : in;
            }, serverInit(alloc, http), clientInit(http, body), b -> { });
            assertInstanceOf(ClosedChannelException.class, t.write.cause());
            assertFalse(body.lastContent, "the client got a LastHttpContent: the empty body looks complete");
            assertEquals(0, t.received.length);
            alloc.assertAllReleasedAfterClosing(f, t.child.eventLoop());
        }
    }

    /**
     * An application cancels a download from a worker thread with {@code close()} while the transfer waits for a
     * read: the write fails with {@link ClosedChannelException} (it neither hangs nor succeeds), the client gets
     * exactly the chunks sent before and, over HTTP, no {@link LastHttpContent} (a cut body must not look
     * complete), and every buffer is released.
     */
    @ParameterizedTest(name = "{0}, HTTP: {1}")
    @MethodSource("loopsAndBoolean")
    void closingFromAWorkerThreadMidTransferFailsTheWrite(LoopType type, boolean http) throws Exception {
        byte[] data = random(8 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        BodyBytes body = new BodyBytes();
        AtomicReference<CancelledMidTransfer> cancelled = new AtomicReference<>();
        AioFile f = AioFile.open(fileLoop(type, false), file(data), READ);
        try {
            Transfer t = serve(type, f, (ch, file) -> {
                CancelledMidTransfer c = new CancelledMidTransfer(input(ch, file, 0, data.length));
                cancelled.set(c);
                return http ? chunkedResponse(ch, c) : c;
            }, serverInit(alloc, http), clientInit(http, body), b -> { });
            CancelledMidTransfer c = cancelled.get();
            c.open();
            await(c.closed);
            assertInstanceOf(ClosedChannelException.class, t.write.cause());
            assertFalse(body.lastContent, "the client got a LastHttpContent: the cut body looks complete");
            assertTrue(t.received.length < data.length, "cut short: " + t.received.length);
            assertArrayEquals(Arrays.copyOf(data, t.received.length), t.received);
            assertEquals(t.received.length, c.in.progress());
            assertFalse(c.in.isEndOfInput());
            alloc.assertAllReleasedAfterClosing(f, t.child.eventLoop());
        } finally {
            if (cancelled.get() != null) {
                cancelled.get().open();
            }
            f.close();
        }
    }

    /**
     * An input closed from another thread before {@code ChunkedWriteHandler} read from it (written, not flushed)
     * has not ended: when the channel closes, the handler's discard fails the write instead of succeeding it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void inputClosedBeforeTheChannelFailsTheDiscardedWrite(LoopType type) throws Exception {
        byte[] data = random(1 << 20);
        Channel server = SocketSupport.server(type, ch -> { }).bind(SocketSupport.localhost()).sync().channel();
        try (AioFile f = AioFile.open(fileLoop(type, false), file(data), READ)) {
            Channel ch = SocketSupport.client(type, c -> c.pipeline().addLast(new ChunkedWriteHandler()))
                    .connect(server.localAddress()).sync().channel();
            ChunkedAioFile in = input(ch, f, 0, data.length);
            ChannelFuture write = ch.write(in);
            in.close();                            // from the test thread
            ch.close().sync();
            assertTrue(write.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, write.cause(), "the write of a closed input failed");
            assertFalse(in.isEndOfInput());
            assertEquals(0, in.progress());
        } finally {
            server.close().sync();
        }
    }

    /**
     * {@code close()} from another thread while the channel's loop rejects tasks but still runs (it is shutting
     * down): the closing thread leaves the chunks read ahead alone (the loop may be using them); they are released
     * exactly once, by the loop when it closes the input itself (as {@code ChunkedWriteHandler} does when the
     * channel closes), else once the loop has terminated.
     */
    @SuppressWarnings("deprecation")           // shutdown(): rejects tasks at once, while the loop still runs
    @ParameterizedTest(name = "{0}, the loop closes the input too: {1}")
    @MethodSource("loopsAndBoolean")
    void closeWhileTheChannelLoopRejectsTasksReleasesEachBufferOnce(LoopType type, boolean loopCloses)
            throws Exception {
        byte[] data = random(1 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        Promise<Void> resumed = GlobalEventExecutor.INSTANCE.newPromise();
        IoEventLoopGroup group = ownGroup(type);
        AioFile f = AioFile.open(fileLoop(type, false), file(data), READ);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        try {
            Channel ch = SocketSupport.client(type, group, c -> c.pipeline().addLast(new ChannelDuplexHandler() {
                @Override
                public void flush(ChannelHandlerContext ctx) {
                    resumed.trySuccess(null);
                    ctx.flush();
                }
            })).option(ChannelOption.ALLOCATOR, alloc).register().sync().channel();
            IoEventLoop loop = (IoEventLoop) ch.eventLoop();
            ChunkedAioFile in = new ChunkedAioFile(ch, f, 0, data.length, 65536, 4);
            assertNull(AioTestSupport.onLoop(loop, () -> in.readChunk(ch.alloc())));
            await(resumed);                        // the first chunk is read and held
            Promise<Void> loopDone = GlobalEventExecutor.INSTANCE.newPromise();
            loop.execute(() -> {
                busy.countDown();
                try {
                    assertTrue(proceed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    if (loopCloses) {
                        in.close();
                    }
                    loopDone.trySuccess(null);
                } catch (Throwable e) {
                    loopDone.tryFailure(e);
                }
            });
            assertTrue(busy.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            group.shutdown();
            assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
            in.close();                            // rejected by the loop, which still runs
            assertEquals(1, alloc.buffers().get(0).refCnt(),
                    "the chunk held was released by the closing thread while the loop still runs");
            proceed.countDown();
            await(loopDone);                       // the loop's close (if any) released nothing twice
            assertTrue(group.terminationFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "loop terminated");
            await(GlobalEventExecutor.INSTANCE.submit(() -> null));   // after the termination listeners
            assertFalse(in.isEndOfInput());
            alloc.assertAllReleasedAfterClosing(f);
        } finally {
            proceed.countDown();
            f.close();
        }
    }

    /**
     * {@code close()} from another thread before or racing the first {@code readChunk} (which sets nothing up):
     * it is ordered on the channel's loop, so either {@code readChunk} runs first and the reads it issued are
     * released by the close, or it finds the input closed and throws; nothing leaks.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void closeBeforeOrRacingTheFirstReadChunkReleasesEveryBuffer(LoopType type) throws Exception {
        byte[] data = random(1 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        Channel ch = registeredClient(type, alloc);
        IoEventLoop loop = (IoEventLoop) ch.eventLoop();
        AioFile f = AioFile.open(fileLoop(type, false), file(data), READ);
        try {
            for (int i = 0; i < 200; i++) {
                ChunkedAioFile in = new ChunkedAioFile(ch, f, 0, data.length, 16384, 4);
                boolean closeFirst = i % 2 == 0;
                if (closeFirst) {
                    in.close();
                }
                CountDownLatch go = new CountDownLatch(1);
                Future<ByteBuf> first = loop.submit(() -> {
                    assertTrue(go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                    return in.readChunk(ch.alloc());
                });
                go.countDown();
                in.close();                        // racing the readChunk now starting on the loop
                assertTrue(first.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                if (closeFirst) {
                    assertInstanceOf(ClosedChannelException.class, first.cause(), "readChunk after close");
                } else {
                    assertTrue(first.isSuccess(), () -> String.valueOf(first.cause()));
                    assertNull(first.getNow(), "the first readChunk only starts reading");
                }
            }
            alloc.assertAllReleasedAfterClosing(f, loop);
        } finally {
            f.close();
            ch.close().sync();
        }
    }

    // ---- inputs that own their file: open, openAsync, owning ------------------------------------------------

    /** Descriptors of this process open on {@code p} (its real path). */
    private static long fdsOn(Path p) throws IOException {
        String real = p.toRealPath().toString();
        return FdCount.snapshot().values().stream().filter(real::equals).count();
    }

    /**
     * Waits, round-tripping through every socket and file loop (bounded by {@code TIMEOUT_SECONDS}, no sleeping),
     * until no descriptor is open on {@code p}: for files closed by a path nothing can be awaited on (an open
     * cancelled or overtaken by a close, whose file is closed once the open completes).
     */
    private static void awaitNoFdOn(Path p, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (fdsOn(p) > 0) {
            assertTrue(System.nanoTime() < deadline, what + ": " + p + " is still open");
            for (LoopType t : LoopType.available()) {
                AioTestSupport.onLoop(LoopType.loop(SocketSupport.group(t)), () -> null);
                AioTestSupport.onLoop(AioTestSupport.loop(t), () -> null);
            }
        }
    }

    /**
     * Asserts that the input closed its file: {@code closeAsync()} was called ({@code size()} then throws at once),
     * and once that close has completed no descriptor is left on {@code p}.
     */
    private static void assertClosedByTheInput(AioFile f, Path p, String what) throws Exception {
        assertNotNull(f, what + ": the file was never open");
        assertThrows(ClosedChannelException.class, f::size, what + ": the input did not close its file");
        await(f.closeAsync());                     // already closing: the same future, now waited for
        assertEquals(0, fdsOn(p), what + ": descriptors left on " + p);
    }

    /**
     * Serves the input {@code make} gives through a pipeline set up by {@code addFileServing}, over TLS if
     * {@code tls} (the server's {@code SslHandler} then goes to {@code ssl}); the input is written as soon as the
     * channel is active, so during the TLS handshake.
     */
    private Transfer serveOwned(LoopType type, boolean tls, AtomicReference<SslHandler> ssl,
                                BiFunction<Channel, AioFile, Object> make) throws Exception {
        SslContext serverCtx = tls ? serverTls() : null;
        SslContext clientCtx = tls ? clientTls() : null;
        return serve(type, null, make, ch -> {
            if (tls) {
                SslHandler h = serverCtx.newHandler(ch.alloc());
                ssl.set(h);
                ch.pipeline().addLast(h);
            }
            AioFilePipelines.addFileServing(ch.pipeline());
        }, ch -> {
            if (tls) {
                ch.pipeline().addLast(clientCtx.newHandler(ch.alloc(), "localhost", 0));
            }
        }, b -> { });
    }

    /**
     * {@code ChunkedAioFile.open}: the whole file (its length unknown until the open) and regions given up front
     * arrive byte for byte, over plain TCP and TLS; the input closed its file by the end of the transfer (before
     * the channel closes), the progress reported the length once known.
     */
    @ParameterizedTest(name = "{0}, TLS: {1}")
    @MethodSource("loopsAndBoolean")
    void openServesByteForByteAndClosesTheFileAtTheEnd(LoopType type, boolean tls) throws Exception {
        byte[] data = random(2 * (1 << 20) + 77);
        Path p = file(data);
        long[][] regions = {{0, -1}, {0, 0}, {0, 1}, {5, CHUNK + 1}, {4097, data.length - 4097}, {0, data.length}};
        for (long[] r : regions) {
            String what = "region " + Arrays.toString(r) + (tls ? " over TLS" : "");
            AtomicReference<ChunkedAioFile> made = new AtomicReference<>();
            AtomicReference<SslHandler> ssl = new AtomicReference<>();
            Transfer t = serveOwned(type, tls, ssl, (ch, none) -> {
                ChunkedAioFile in = r[1] < 0 ? ChunkedAioFile.open(ch, p, CHUNK)
                        : ChunkedAioFile.open(ch, p, r[0], r[1], CHUNK);
                assertEquals(r[1] < 0 ? -1 : r[1], in.length(), what + ": the length before the open");
                assertFalse(in.isEndOfInput(), what + ": ended before the open");
                made.set(in);
                return in;
            });
            long length = r[1] < 0 ? data.length : r[1];
            assertTrue(t.write.isSuccess(), () -> what + ": " + t.write.cause());
            assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + length)), t.received, what);
            assertSame(made.get(), t.input);
            assertTrue(t.input.isEndOfInput(), what);
            assertEquals(length, t.input.length(), what);
            assertEquals(length, t.input.progress(), what);
            assertEquals(length, t.total, what + ": total reported");
            t.assertNoSpin(what);
            assertClosedByTheInput(t.input.file(), p, what);
            // (An empty body is over before the handshake may be: its connection closes at once.)
            if (tls && length > 0
                    && !(ssl.get().engine() instanceof io.netty.handler.ssl.ReferenceCountedOpenSslEngine)) {
                assertEquals(0, wrapDataSize(ssl.get()), what + ": the JDK engine's SslHandler was tuned");
            }
        }
    }

    /**
     * {@code ChunkedAioFile.owning}: an {@code AioFile} of every engine, on the channel's loop or another, is
     * served byte for byte and closed by the input at the end of the region, also an empty one; the
     * constructors still leave their file open.
     */
    @ParameterizedTest(name = "{0} on {1}, file on the channel's loop: {2}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#placements")
    void owningServesAndClosesItsFile(AioEngine engine, LoopType type, boolean sameLoop) throws Exception {
        byte[] data = random((1 << 20) + 3);
        Path p = file(data);
        for (long[] r : new long[][] {{0, data.length}, {3, 0}, {CHUNK, 2 * CHUNK + 1}}) {
            String what = "region " + Arrays.toString(r);
            AioFile f = AioFile.open(fileLoop(type, sameLoop), p, engine, READ);
            Transfer t = serve(type, f, (ch, file) -> ChunkedAioFile.owning(ch, file, r[0], r[1], CHUNK));
            assertTrue(t.write.isSuccess(), () -> what + ": " + t.write.cause());
            assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])), t.received, what);
            assertSame(f, t.input.file());
            assertClosedByTheInput(f, p, what);
        }
        try (AioFile kept = AioFile.open(fileLoop(type, sameLoop), p, engine, READ)) {
            Transfer t = serve(type, kept, (ch, file) -> input(ch, file, 0, data.length));
            assertTrue(t.write.isSuccess(), () -> String.valueOf(t.write.cause()));
            assertEquals(data.length, kept.size(), "the constructors' input leaves the file open");
        }
    }

    /**
     * An open that fails fails the write with its exception ({@code NoSuchFileException}), raw or under
     * {@code HttpChunkedInput} (no {@code LastHttpContent}: a missing file must not look like an empty body), also
     * for an empty region; {@code openAsync}'s future fails with it too.
     */
    @ParameterizedTest(name = "{0}, HTTP: {1}")
    @MethodSource("loopsAndBoolean")
    void openFailureFailsTheWrite(LoopType type, boolean http) throws Exception {
        Path missing = dir.resolve("missing.bin");
        for (long length : new long[] {-1, 0, 100}) {
            BodyBytes body = new BodyBytes();
            Transfer t = serve(type, null, (ch, none) -> {
                ChunkedAioFile in = length < 0 ? ChunkedAioFile.open(ch, missing)
                        : ChunkedAioFile.open(ch, missing, 0, length, CHUNK);
                return http ? chunkedResponse(ch, in) : in;
            }, serverInit(new TrackingAllocator(), http), clientInit(http, body), b -> { });
            assertInstanceOf(NoSuchFileException.class, t.write.cause(), "length " + length);
            assertFalse(body.lastContent, "the client got a LastHttpContent for a file that does not exist");
            assertEquals(0, t.received.length);
        }
        Channel ch = SocketSupport.client(type, c -> { }).register().sync().channel();
        try {
            Future<ChunkedAioFile> f = ChunkedAioFile.openAsync(ch, missing);
            assertTrue(f.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(NoSuchFileException.class, f.cause());
        } finally {
            ch.close().sync();
        }
    }

    /** The peer closing mid-transfer fails the write; the input closes its file and releases every buffer. */
    @ParameterizedTest(name = "{0}, TLS: {1}")
    @MethodSource("loopsAndBoolean")
    void openClosesTheFileWhenThePeerGoesAway(LoopType type, boolean tls) throws Exception {
        byte[] data = random(8 << 20);
        Path p = file(data);
        TrackingAllocator alloc = new TrackingAllocator();
        SslContext serverCtx = tls ? serverTls() : null;
        SslContext clientCtx = tls ? clientTls() : null;
        Transfer t = serve(type, null, (ch, none) -> ChunkedAioFile.open(ch, p, 0, data.length, 65536),
                ch -> {
                    ch.config().setAllocator(alloc);
                    ch.config().setOption(ChannelOption.SO_SNDBUF, 16 * 1024);
                    if (tls) {
                        ch.pipeline().addLast(serverCtx.newHandler(ch.alloc()));
                    }
                    AioFilePipelines.addFileServing(ch.pipeline());
                },
                ch -> {
                    if (tls) {
                        ch.pipeline().addLast(clientCtx.newHandler(ch.alloc(), "localhost", 0));
                    }
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                        private int seen;

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            seen += ((ByteBuf) msg).readableBytes();
                            ctx.fireChannelRead(msg);
                            if (seen > 100_000) {
                                ctx.close();
                            }
                        }
                    });
                }, b -> b.option(ChannelOption.SO_RCVBUF, 16 * 1024));
        assertFalse(t.write.isSuccess());
        assertTrue(t.received.length < data.length);
        assertArrayEquals(Arrays.copyOf(data, t.received.length), t.received);
        assertFalse(t.input.isEndOfInput());
        assertClosedByTheInput(t.input.file(), p, "peer gone");
        alloc.assertAllReleasedAfterClosing(t.input.file(), t.child.eventLoop());
    }

    /**
     * An application cancels a download by closing the input from a worker thread mid-transfer: the write fails
     * with {@link ClosedChannelException}, the client got a prefix, and the input closed its file (owned through
     * {@code open} on the channel's loop, or through {@code owning} on another loop, held until the cancel).
     */
    @ParameterizedTest(name = "{0}, open (else owning): {1}")
    @MethodSource("loopsAndBoolean")
    void closingMidTransferClosesTheFile(LoopType type, boolean open) throws Exception {
        byte[] data = random(8 << 20);
        Path p = file(data);
        BodyBytes body = new BodyBytes();
        AtomicReference<CancelledMidTransfer> cancelled = new AtomicReference<>();
        AtomicReference<ChunkedAioFile> opened = new AtomicReference<>();
        AioFile owned = open ? null : AioFile.open(fileLoop(type, false), p, READ);
        try {
            Transfer t = serve(type, owned, (ch, file) -> {
                if (open) {
                    // Closed from a worker once 100 kB went out (the file is on the channel's loop: not held).
                    ChunkedAioFile in = ChunkedAioFile.open(ch, p, 0, data.length, CHUNK);
                    opened.set(in);
                    ch.pipeline().addFirst(new ChannelDuplexHandler() {
                        private long sent;
                        private boolean closing;

                        @Override
                        public void write(ChannelHandlerContext ctx, Object msg,
                                          io.netty.channel.ChannelPromise promise) {
                            sent += msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : 0;
                            if (sent > 100_000 && !closing) {
                                closing = true;
                                GlobalEventExecutor.INSTANCE.execute(in::close);
                            }
                            ctx.write(msg, promise);
                        }
                    });
                    return chunkedResponse(ch, in);
                }
                CancelledMidTransfer c = new CancelledMidTransfer(ChunkedAioFile.owning(ch, file, 0, data.length,
                        CHUNK));
                cancelled.set(c);
                return chunkedResponse(ch, c);
            }, serverInit(new TrackingAllocator(), true), clientInit(true, body), b -> { });
            if (!open) {
                cancelled.get().open();
                await(cancelled.get().closed);
            }
            ChunkedAioFile in = open ? opened.get() : cancelled.get().in;
            assertInstanceOf(ClosedChannelException.class, t.write.cause());
            assertFalse(body.lastContent, "the client got a LastHttpContent: the cut body looks complete");
            assertTrue(t.received.length < data.length, "cut short: " + t.received.length);
            assertFalse(in.isEndOfInput());
            assertClosedByTheInput(in.file(), p, "cancelled");
        } finally {
            if (cancelled.get() != null) {
                cancelled.get().open();
            }
            if (owned != null) {
                owned.close();
            }
        }
    }

    /**
     * Closed before its open completed (from another thread, at once), an input closes the file the open then
     * gives, and {@code readChunk} throws {@link ClosedChannelException}; so does a cancelled {@code openAsync}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void closeBeforeTheOpenCompletesClosesTheFile(LoopType type) throws Exception {
        Path p = file(random(100_000));
        Channel ch = SocketSupport.client(type, c -> { }).register().sync().channel();
        IoEventLoop loop = (IoEventLoop) ch.eventLoop();
        try {
            for (int i = 0; i < 20; i++) {
                boolean onLoop = i % 2 == 0;
                Callable<ChunkedAioFile[]> openAndClose = () -> {
                    ChunkedAioFile in = ChunkedAioFile.open(ch, p);
                    in.close();
                    Future<ChunkedAioFile> f = ChunkedAioFile.openAsync(ch, p);
                    if (!f.cancel(false)) {
                        assertFalse(onLoop, "on the loop, the open can't have completed yet");
                        await(f).close();      // off the loop, a fast open may overtake the cancel
                    }
                    return new ChunkedAioFile[] {in};
                };
                // On the loop the close comes first for sure; from another thread the open may win the race.
                ChunkedAioFile in = (onLoop ? AioTestSupport.onLoop(loop, openAndClose) : openAndClose.call())[0];
                AioTestSupport.onLoop(loop, () -> assertThrows(ClosedChannelException.class,
                        () -> in.readChunk(ch.alloc())));
                if (onLoop) {
                    assertNull(in.file(), "closed before the open: the file is never handed to the input");
                } else if (in.file() != null) {
                    assertThrows(ClosedChannelException.class, in.file()::size, "opened first, then closed");
                }
            }
            awaitNoFdOn(p, "inputs closed before their open completed");
        } finally {
            ch.close().sync();
        }
    }

    /**
     * The channel closing closes an owning input that was never written (one of {@code openAsync} the application
     * dropped, one of {@code open} in the middle of opening), and one whose write {@code ChunkedWriteHandler} dropped
     * because the write's future was cancelled (Netty 4.2 then neither reads nor closes it).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void theChannelClosingClosesOwningInputs(LoopType type) throws Exception {
        byte[] data = random(4 << 20);
        // One file per input: each assertion below then counts the descriptors of its own input only.
        Path p = file(data);
        Path pOpening = file(data);
        Path pCancelled = file(data);
        Channel server = SocketSupport.server(type, ch -> { }).bind(SocketSupport.localhost()).sync().channel();
        try {
            Channel ch = SocketSupport.client(type, c -> c.pipeline().addLast(new ChunkedWriteHandler()))
                    .connect(server.localAddress()).sync().channel();
            ChunkedAioFile dropped = await(ChunkedAioFile.openAsync(ch, p));
            assertEquals(data.length, dropped.length(), "openAsync: the length is known");
            ChunkedAioFile opening = ChunkedAioFile.open(ch, pOpening);
            ChunkedAioFile cancelled = await(ChunkedAioFile.openAsync(ch, pCancelled, 0, data.length, CHUNK));
            ChannelFuture write = AioTestSupport.onLoop((IoEventLoop) ch.eventLoop(), () -> {
                ChannelFuture w = ch.write(cancelled);
                assertTrue(w.cancel(false));
                ch.flush();                        // ChunkedWriteHandler drops the cancelled write's input
                return w;
            });
            assertTrue(write.isCancelled());
            assertEquals(1, fdsOn(p), "dropped: open until the channel closes");
            assertEquals(1, fdsOn(pCancelled), "cancelled: open until the channel closes");
            ch.close().sync();
            assertClosedByTheInput(dropped.file(), p, "dropped");
            assertClosedByTheInput(cancelled.file(), pCancelled, "cancelled write");
            awaitNoFdOn(pOpening, "opening");
            assertEquals(0, cancelled.progress());
            assertFalse(opening.isEndOfInput());
        } finally {
            server.close().sync();
        }
    }

    /**
     * The class Javadoc's sample, as written there: {@code openAsync}, then a {@code Content-Length} response
     * with {@code HttpChunkedInput}; a missing file is answered 404. Over HTTP and HTTPS, with keep-alive.
     */
    @ParameterizedTest(name = "{0}, TLS: {1}")
    @MethodSource("loopsAndBoolean")
    void openAsyncServesAContentLengthResponse(LoopType type, boolean tls) throws Exception {
        byte[] data = random((1 << 20) + 99);
        Path p = file(data);
        SslContext serverCtx = tls ? serverTls() : null;
        SslContext clientCtx = tls ? clientTls() : null;
        java.util.concurrent.LinkedBlockingQueue<FullHttpResponse> responses =
                new java.util.concurrent.LinkedBlockingQueue<>();
        AtomicReference<Channel> child = new AtomicReference<>();
        Channel server = SocketSupport.server(type, ch -> {
            child.set(ch);
            if (tls) {
                ch.pipeline().addLast(serverCtx.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec());
            AioFilePipelines.addFileServing(ch.pipeline());
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof HttpRequest) {
                        Path path = dir.resolve(((HttpRequest) msg).uri().substring(1));
                        serveAsInTheJavadoc(ctx, path);
                    }
                    ReferenceCountUtil.release(msg);
                }
            });
        }).bind(SocketSupport.localhost()).sync().channel();
        try {
            Channel client = SocketSupport.client(type, ch -> {
                if (tls) {
                    ch.pipeline().addLast(clientCtx.newHandler(ch.alloc(), "localhost", 0));
                }
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(4 << 20),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                responses.add((FullHttpResponse) msg);
                            }
                        });
            }).connect(server.localAddress()).sync().channel();
            for (String name : new String[] {p.getFileName().toString(), "missing.bin", p.getFileName().toString()}) {
                DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                        "/" + name);
                req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
                client.writeAndFlush(req).sync();
                FullHttpResponse res = responses.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(res, "no response to " + name);
                try {
                    boolean found = !name.equals("missing.bin");
                    assertEquals(found ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, res.status());
                    assertEquals(found ? data.length : 0, HttpUtil.getContentLength(res), name);
                    assertFalse(HttpUtil.isTransferEncodingChunked(res));
                    assertArrayEquals(found ? data : new byte[0], io.netty.buffer.ByteBufUtil.getBytes(res.content()));
                } finally {
                    res.release();
                }
            }
            client.close().sync();
            assertTrue(child.get().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            awaitNoFdOn(p, "served twice");
        } finally {
            server.close().sync();
        }
    }

    /** The code of {@link ChunkedAioFile}'s class Javadoc, unchanged (imports aside). */
    private static void serveAsInTheJavadoc(ChannelHandlerContext ctx, Path path) {
        ChunkedAioFile.openAsync(ctx.channel(), path).addListener((Future<ChunkedAioFile> f) -> {
            if (!f.isSuccess()) {                            // e.g. NoSuchFileException
                FullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NOT_FOUND);
                HttpUtil.setContentLength(notFound, 0);
                ctx.writeAndFlush(notFound);
                return;
            }
            ChunkedAioFile body = f.getNow();                // open, its length known
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setContentLength(response, body.length());
            ctx.write(response);
            ctx.writeAndFlush(new HttpChunkedInput(body));   // closes the file when it ends, fails or is cancelled
        });
    }

    // ---- AioFilePipelines ------------------------------------------------------------------------------------

    /** The handler types of {@code ch}'s pipeline, head to tail. */
    private static List<Class<?>> handlerTypes(Channel ch) {
        List<Class<?>> out = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, io.netty.channel.ChannelHandler> e : ch.pipeline()) {
            out.add(e.getValue() instanceof EmptyFlushFilter ? EmptyFlushFilter.class : e.getValue().getClass());
        }
        return out;
    }

    /** The wrap data size of {@code ssl} (no getter: read reflectively). */
    private static int wrapDataSize(SslHandler ssl) throws Exception {
        java.lang.reflect.Field f = SslHandler.class.getDeclaredField("wrapDataSize");
        f.setAccessible(true);
        return f.getInt(ssl);
    }

    /**
     * {@code addFileServing} adds {@code EmptyFlushFilter} directly before {@code ChunkedWriteHandler} once, into
     * pipelines with neither, with one of them or both (then adding nothing), and leaves the wrap size of a
     * JDK-engine {@code SslHandler} alone until its handshake has succeeded (the transfers over TLS check that it
     * is 0 then).
     */
    @Test
    void addFileServingAddsEachHandlerOnceAndTunesTheJdkSslHandler() throws Exception {
        SslContext jdk = SslContextBuilder.forServer(certificate().key(), certificate().cert())
                .sslProvider(io.netty.handler.ssl.SslProvider.JDK).build();
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
        try {
            SslHandler ssl = jdk.newHandler(ch.alloc());
            assertEquals(16 * 1024, wrapDataSize(ssl), "Netty's default");
            ch.pipeline().addLast(ssl, new HttpServerCodec());
            List<Class<?>> expected = List.of(SslHandler.class, HttpServerCodec.class, EmptyFlushFilter.class,
                    ChunkedWriteHandler.class);
            for (int i = 0; i < 3; i++) {
                assertSame(ch.pipeline(), AioFilePipelines.addFileServing(ch.pipeline()));
                assertEquals(expected, handlerTypes(ch), "call " + (i + 1));
            }
            // Tuned once the handshake has succeeded (never here): before, a wrap size of 0 would make SslHandler
            // spin on data flushed during the handshake.
            assertEquals(16 * 1024, wrapDataSize(ssl), "tuned before the handshake");
        } finally {
            ch.finishAndReleaseAll();
        }
        io.netty.channel.embedded.EmbeddedChannel withChunked = new io.netty.channel.embedded.EmbeddedChannel(
                new HttpServerCodec(), new ChunkedWriteHandler(), new HttpContentCompressor());
        try {
            AioFilePipelines.addFileServing(withChunked.pipeline());
            AioFilePipelines.addFileServing(withChunked.pipeline());
            assertEquals(List.of(HttpServerCodec.class, EmptyFlushFilter.class, ChunkedWriteHandler.class,
                    HttpContentCompressor.class), handlerTypes(withChunked));
        } finally {
            withChunked.finishAndReleaseAll();
        }
        EmptyFlushFilter own = new EmptyFlushFilter();
        io.netty.channel.embedded.EmbeddedChannel withFilter = new io.netty.channel.embedded.EmbeddedChannel(
                own, new HttpServerCodec());
        try {
            AioFilePipelines.addFileServing(withFilter.pipeline());
            assertEquals(List.of(EmptyFlushFilter.class, HttpServerCodec.class, ChunkedWriteHandler.class),
                    handlerTypes(withFilter), "the filter on the head side is kept");
            assertSame(own, withFilter.pipeline().first());
        } finally {
            withFilter.finishAndReleaseAll();
        }
    }

    /**
     * An {@code SslHandler} added after {@code addFileServing} (as an {@code SniHandler} does once it knows the
     * host name) is tuned by the filter before the file's chunks reach it; no empty flush reaches it; the file
     * arrives whole.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void anSslHandlerAddedLaterIsTunedByTheFilter(LoopType type) throws Exception {
        SslContext serverCtx = serverTls();
        SslContext clientCtx = clientTls();
        byte[] data = random(2 * (1 << 20) + 9);
        Path p = file(data);
        AtomicReference<SslHandler> ssl = new AtomicReference<>();
        EmptyFlushCounter[] below = new EmptyFlushCounter[1];
        Transfer t = serve(type, null, (ch, none) -> ChunkedAioFile.open(ch, p), ch -> {
            AioFilePipelines.addFileServing(ch.pipeline());
            below[0] = new EmptyFlushCounter();
            SslHandler h = serverCtx.newHandler(ch.alloc());
            ssl.set(h);
            ch.pipeline().addFirst(h, below[0]);   // later than the call, in front of the filter
        }, ch -> ch.pipeline().addLast(clientCtx.newHandler(ch.alloc(), "localhost", 0)), b -> { });
        assertTrue(t.write.isSuccess(), () -> String.valueOf(t.write.cause()));
        assertArrayEquals(data, t.received);
        if (!(ssl.get().engine() instanceof io.netty.handler.ssl.ReferenceCountedOpenSslEngine)) {
            assertEquals(0, wrapDataSize(ssl.get()), "the JDK engine's SslHandler was tuned");
        }
        int[] seen = t.child.eventLoop().submit(() -> new int[] {below[0].flushes, below[0].empty})
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(seen[0] > 0);
        assertEquals(0, seen[1], "flushes with nothing written that reached the TLS handler");
        assertClosedByTheInput(t.input.file(), p, "over TLS");
    }

    @Test
    void rejectsBadArguments() throws Exception {
        LoopType type = LoopType.NIO;
        Channel ch = SocketSupport.client(type, c -> { }).register().sync().channel();
        try (AioFile f = AioFile.open(AioTestSupport.loop(type), file(new byte[10]), READ)) {
            assertThrows(IllegalArgumentException.class, () -> new ChunkedAioFile(ch, f, -1, 1, CHUNK));
            assertThrows(IllegalArgumentException.class, () -> new ChunkedAioFile(ch, f, 0, -1, CHUNK));
            assertThrows(IllegalArgumentException.class, () -> new ChunkedAioFile(ch, f, 0, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> new ChunkedAioFile(ch, f, 0, 1, CHUNK, 0));
            assertThrows(IllegalArgumentException.class, () -> new ChunkedAioFile(ch, f, Long.MAX_VALUE, 1, CHUNK));
            assertThrows(NullPointerException.class, () -> new ChunkedAioFile(null, f, 0, 1, CHUNK));
            ChunkedAioFile whole = new ChunkedAioFile(ch, f);
            assertEquals(10, whole.length());
            assertEquals(ChunkedAioFile.DEFAULT_CHUNK_SIZE, whole.chunkSize());
            assertEquals(ChunkedAioFile.DEFAULT_READ_AHEAD, whole.readAhead());
            assertSame(f, whole.file());
            assertTrue(whole.toString().contains("[0, 10)"), whole.toString());
            whole.close();
        } finally {
            ch.close().sync();
        }
    }
}

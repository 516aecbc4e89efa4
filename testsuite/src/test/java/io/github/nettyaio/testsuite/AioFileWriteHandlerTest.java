/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.handler.AioFileWriteComplete;
import io.github.nettyaio.handler.AioFileWriteHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.github.nettyaio.testsuite.AioTestSupport.TIMEOUT_SECONDS;
import static io.github.nettyaio.testsuite.AioTestSupport.await;
import static io.github.nettyaio.testsuite.SocketSupport.fileLoop;
import static io.github.nettyaio.testsuite.SocketSupport.random;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AioFileWriteHandler} storing what real clients send over real sockets on 127.0.0.1: raw bytes ended by
 * close or half-closure, a chunked HTTP PUT, with backpressure, with write errors (read-only file, a full
 * tmpfs), with the file on the channel's loop and on another loop, on every event-loop type this machine runs.
 */
@EnabledOnOs(OS.LINUX)
class AioFileWriteHandlerTest extends PipelineTestBase {
    /**
     * The last handler of the server: records what the write handler passes on (messages, events, exceptions)
     * and whether {@code autoRead} was ever seen off; replies to {@link AioFileWriteComplete} with the byte count
     * (8 bytes) and closes.
     */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final Queue<Object> messages = new ConcurrentLinkedQueue<>();
        /** The bytes of the ByteBufs passed on (touched on the channel's loop only). */
        long bytesPassedOn;
        final Promise<AioFileWriteComplete> complete = GlobalEventExecutor.INSTANCE.newPromise();
        final Promise<Throwable> exception = GlobalEventExecutor.INSTANCE.newPromise();
        final boolean reply;

        Recorder(boolean reply) {
            this.reply = reply;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg instanceof ByteBuf ? "ByteBuf" : msg);
            if (msg instanceof ByteBuf) {
                bytesPassedOn += ((ByteBuf) msg).readableBytes();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof AioFileWriteComplete) {
                complete.trySuccess((AioFileWriteComplete) evt);
                if (reply) {
                    ctx.writeAndFlush(Unpooled.copyLong(((AioFileWriteComplete) evt).bytes()))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exception.trySuccess(cause);
            ctx.close();
        }
    }

    /** Counts, before the write handler, how often a message found {@code autoRead} off after it was handled. */
    private static final class AutoReadObserver extends ChannelInboundHandlerAdapter {
        volatile int seenOff;
        volatile int seenOn;
        final boolean readManually;

        AutoReadObserver(boolean readManually) {
            this.readManually = readManually;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (readManually) {
                ctx.read();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
            if (ctx.channel().config().isAutoRead()) {
                seenOn++;
            } else {
                seenOff++;
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (readManually) {
                ctx.read();
            }
            ctx.fireChannelReadComplete();
        }
    }

    /** A server accepting connections whose pipelines {@code init} builds; {@code child} gets the accepted one. */
    static Channel server(LoopType type, Promise<Channel> child, Consumer<Channel> init,
                                  Consumer<ServerBootstrap> options) throws InterruptedException {
        ServerBootstrap b = SocketSupport.server(type, ch -> {
            child.trySuccess(ch);
            init.accept(ch);
        });
        options.accept(b);
        return b.bind(SocketSupport.localhost()).sync().channel();
    }

    /** Connects, sends {@code data} in slices of up to 64 KiB, then closes (or shuts the output down). */
    static SocketSupport.Collector send(LoopType type, Channel server, byte[] data, boolean halfClose)
            throws Exception {
        SocketSupport.Collector collector = new SocketSupport.Collector();
        Channel c = SocketSupport.client(type, ch -> ch.pipeline().addLast(collector))
                .connect(server.localAddress()).sync().channel();
        for (int off = 0; off < data.length; off += 65536) {
            c.write(Unpooled.wrappedBuffer(data, off, Math.min(65536, data.length - off)));
        }
        c.flush();
        if (halfClose) {
            c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (f.isSuccess()) {
                    ((SocketChannel) c).shutdownOutput();
                }
            });
        } else {
            c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        return collector;
    }

    static void awaitClosed(Promise<Channel> child) throws Exception {
        assertTrue(await(child).closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "server channel closes");
    }

    @ParameterizedTest(name = "{0} on {1}, file on the channel's loop: {2}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#placements")
    void storesEverythingSentUntilClose(AioEngine engine, LoopType type, boolean sameLoop) throws Exception {
        byte[] prefix = random(100);
        byte[] data = random(6 << 20);
        Path p = Files.write(dir.resolve("upload.bin"), prefix);
        try (AioFile f = AioFile.open(fileLoop(type, sameLoop), p, engine, READ, WRITE)) {
            AioFileWriteHandler handler = new AioFileWriteHandler(f, prefix.length);
            Future<Long> completion = handler.completion();
            Promise<Channel> child = GlobalEventExecutor.INSTANCE.newPromise();
            Recorder recorder = new Recorder(false);
            Channel server = server(type, child, ch -> ch.pipeline().addLast(handler, recorder), b -> { });
            try {
                SocketSupport.Collector client = send(type, server, data, false);
                assertEquals(data.length, await(completion));
                await(client.received);
                Thread completer = onThreadOf(completion);
                assertTrue(await(child).eventLoop().inEventLoop(completer), "completion on the channel's loop");
                awaitClosed(child);
            } finally {
                server.close().sync();
            }
            byte[] stored = Files.readAllBytes(p);
            assertArrayEquals(prefix, Arrays.copyOf(stored, prefix.length));
            assertArrayEquals(data, Arrays.copyOfRange(stored, prefix.length, stored.length));
            assertTrue(recorder.messages.isEmpty(), "every ByteBuf was consumed: " + recorder.messages);
            assertFalse(recorder.exception.isDone());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void removalMidStreamEndsTheInput(LoopType type) throws Exception {
        byte[] data = random(4 << 20);
        Path p = dir.resolve("removed.bin");
        try (AioFile f = AioFile.open(fileLoop(type, false), p, CREATE, WRITE)) {
            AioFileWriteHandler handler = new AioFileWriteHandler(f, 0);
            Promise<Channel> child = GlobalEventExecutor.INSTANCE.newPromise();
            Recorder recorder = new Recorder(false);
            long[] forwarded = new long[1];
            ChannelInboundHandlerAdapter splitter = new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    forwarded[0] += ((ByteBuf) msg).readableBytes();
                    ctx.fireChannelRead(msg);
                    if (forwarded[0] > (1 << 20) && ctx.pipeline().context(handler) != null) {
                        ctx.pipeline().remove(handler);     // the rest goes past it, to the recorder
                    }
                }
            };
            Channel server = server(type, child, ch -> ch.pipeline().addLast(splitter, handler, recorder), b -> { });
            try {
                SocketSupport.Collector client = send(type, server, data, false);
                long stored = await(handler.completion());
                await(client.received);
                awaitClosed(child);
                long passedOn = AioTestSupport.onLoop((IoEventLoop) await(child).eventLoop(),
                        () -> recorder.bytesPassedOn);
                assertTrue(stored > (1 << 20) && stored < data.length, "stored " + stored);
                assertEquals(data.length, stored + passedOn);
                assertFalse(recorder.complete.isDone(), "no event once removed");
                assertArrayEquals(Arrays.copyOf(data, (int) stored), Files.readAllBytes(p));
            } finally {
                server.close().sync();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void channelLoopShutdownMidUploadReleasesEverythingAndCompletes(LoopType type) throws Exception {
        byte[] data = random(16 << 20);
        TrackingAllocator alloc = new TrackingAllocator();
        IoEventLoopGroup group = ownGroup(type);      // the channels' own loop, shut down under the upload
        Path p = dir.resolve("shutdown.bin");
        AioFile f = AioFile.open(fileLoop(type, false), p, CREATE, WRITE);
        try {
            AioFileWriteHandler handler = new AioFileWriteHandler(f, 0);
            Channel server = SocketSupport.server(type, group, ch -> {
                ch.config().setAllocator(alloc);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    private long seen;

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        seen += ((ByteBuf) msg).readableBytes();
                        ctx.fireChannelRead(msg);
                        if (seen > (1 << 20)) {
                            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                        }
                    }
                }, handler);
            }).bind(SocketSupport.localhost()).sync().channel();
            Channel c = SocketSupport.client(type, group, ch -> { }).connect(server.localAddress()).sync().channel();
            c.writeAndFlush(Unpooled.wrappedBuffer(data));
            assertTrue(group.terminationFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "loop terminated");
            // fails when the loop went with a write or the sync in flight, else succeeds: never hangs
            assertTrue(handler.completion().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "completion completes");
            alloc.assertAllReleasedAfterClosing(f);
            byte[] stored = Files.readAllBytes(p);
            assertArrayEquals(Arrays.copyOf(data, stored.length), stored, "what was stored is a prefix of the input");
        } finally {
            f.close();
        }
    }

    /** The thread a listener of the (completed) future runs on. */
    private static Thread onThreadOf(Future<?> f) throws Exception {
        Promise<Thread> t = GlobalEventExecutor.INSTANCE.newPromise();
        f.addListener(x -> t.setSuccess(Thread.currentThread()));
        return await(t);
    }

    /**
     * A client sends {@code data} and shuts its output down; the server (half-closure allowed, {@code autoRead}
     * as given) stores it with {@code waterMark} behind {@code observer}, and replies to the
     * {@link AioFileWriteComplete} with the byte count on the still open channel. Checks the event, the
     * completion, the reply and the file; returns the server channel's {@code autoRead} after the event.
     */
    private boolean uploadHalfClosed(LoopType type, byte[] data, WriteBufferWaterMark waterMark, boolean autoRead,
                                     AutoReadObserver observer) throws Exception {
        Path p = dir.resolve("half.bin");
        boolean autoReadAfter;
        try (AioFile f = AioFile.open(fileLoop(type, false), p, CREATE, WRITE)) {
            AioFileWriteHandler handler = new AioFileWriteHandler(f, 0, waterMark);
            Promise<Channel> child = GlobalEventExecutor.INSTANCE.newPromise();
            Recorder recorder = new Recorder(true);
            Channel server = server(type, child, ch -> ch.pipeline().addLast(observer, handler, recorder),
                    b -> b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true).childOption(ChannelOption.AUTO_READ,
                            autoRead));
            try {
                SocketSupport.Collector reply = send(type, server, data, true);
                assertEquals(data.length, await(recorder.complete).bytes());
                assertEquals(data.length, await(handler.completion()));
                // the event fires after autoRead is restored, on the channel's loop: read it there
                Channel ch = await(child);
                autoReadAfter = AioTestSupport.onLoop((IoEventLoop) ch.eventLoop(), () -> ch.config().isAutoRead());
                byte[] count = await(reply.received);      // the server replied after the input ended, then closed
                assertEquals(data.length, Unpooled.wrappedBuffer(count).readLong());
                awaitClosed(child);
            } finally {
                server.close().sync();
            }
            assertArrayEquals(data, Files.readAllBytes(p));
        }
        return autoReadAfter;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void halfClosureEndsTheInputAndTheChannelStaysUsable(LoopType type) throws Exception {
        assertTrue(uploadHalfClosed(type, random(3 << 20), AioFileWriteHandler.DEFAULT_WATER_MARK, true,
                new AutoReadObserver(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void backpressureTurnsAutoReadOffAndRestoresIt(LoopType type) throws Exception {
        AutoReadObserver observer = new AutoReadObserver(false);
        assertTrue(uploadHalfClosed(type, random(8 << 20), new WriteBufferWaterMark(8 * 1024, 32 * 1024), true,
                observer), "autoRead restored");
        assertTrue(observer.seenOff > 0, "autoRead was turned off above the high-water mark");
        assertTrue(observer.seenOn > 0);
    }

    /** WriteBufferWaterMark allows a low-water mark of 0: autoRead comes back once everything queued is written. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void backpressureWithLowWaterMarkZeroResumesOnceAllIsWritten(LoopType type) throws Exception {
        AutoReadObserver observer = new AutoReadObserver(false);
        assertTrue(uploadHalfClosed(type, random(4 << 20), new WriteBufferWaterMark(0, 32 * 1024), true,
                observer), "autoRead restored");
        assertTrue(observer.seenOff > 0, "autoRead was turned off above the high-water mark");
        assertTrue(observer.seenOn > 0, "autoRead was turned back on before the end");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void manualReadingIsLeftToTheReader(LoopType type) throws Exception {
        AutoReadObserver observer = new AutoReadObserver(true);
        assertFalse(uploadHalfClosed(type, random(2 << 20), new WriteBufferWaterMark(1024, 4096), false, observer));
        assertEquals(0, observer.seenOn, "autoRead never turned on");
        assertTrue(observer.seenOff > 0);
    }

    static Stream<Arguments> httpBodies() {
        return SocketSupport.loops().flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
    }

    /**
     * A PUT whose body is sent chunked (HttpContents, then LastHttpContent) or, aggregated on the server, arrives as
     * one FullHttpRequest: the head is passed on, the content stored, the event answered with 201 and the count.
     */
    @ParameterizedTest(name = "{0}, aggregated: {1}")
    @MethodSource("httpBodies")
    void httpPutEndsAtLastHttpContent(LoopType type, boolean aggregated) throws Exception {
        byte[] data = random(aggregated ? (1 << 20) + 3 : (5 << 20) + 77);
        Path p = dir.resolve("put.bin");
        try (AioFile f = AioFile.open(fileLoop(type, false), p, CREATE, WRITE)) {
            Promise<Channel> child = GlobalEventExecutor.INSTANCE.newPromise();
            Queue<AioFileWriteHandler> handlers = new ConcurrentLinkedQueue<>();
            Queue<Object> seen = new ConcurrentLinkedQueue<>();
            Channel server = server(type, child, ch -> {
                AioFileWriteHandler h = new AioFileWriteHandler(f, 0);
                handlers.add(h);
                ch.pipeline().addLast(new HttpServerCodec());
                if (aggregated) {
                    ch.pipeline().addLast(new HttpObjectAggregator(2 << 20));
                }
                ch.pipeline().addLast(h, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        seen.add(msg instanceof HttpRequest
                                ? ((HttpRequest) msg).method() + " " + ((HttpRequest) msg).uri() : msg);
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof AioFileWriteComplete) {
                            seen.add(evt);
                            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                    HttpResponseStatus.CREATED, Unpooled.copiedBuffer(
                                    Long.toString(((AioFileWriteComplete) evt).bytes()), CharsetUtil.US_ASCII));
                            HttpUtil.setContentLength(res, res.content().readableBytes());
                            ctx.writeAndFlush(res);
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                });
            }, b -> { });
            try {
                Promise<FullHttpResponse> response = GlobalEventExecutor.INSTANCE.newPromise();
                Channel c = SocketSupport.client(type, ch -> ch.pipeline().addLast(new HttpClientCodec(),
                        new HttpObjectAggregator(1 << 16), new ChunkedWriteHandler(),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                response.trySuccess((FullHttpResponse) msg);
                            }
                        })).connect(server.localAddress()).sync().channel();
                HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/upload/put.bin");
                req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
                if (aggregated) {
                    HttpUtil.setContentLength(req, data.length);     // the server's aggregator makes it one message
                } else {
                    HttpUtil.setTransferEncodingChunked(req, true);
                }
                c.write(req);
                c.writeAndFlush(new HttpChunkedInput(new ChunkedStream(new ByteArrayInputStream(data), 8192)))
                        .sync();
                FullHttpResponse res = await(response);
                try {
                    assertEquals(HttpResponseStatus.CREATED, res.status());
                    assertEquals(Long.toString(data.length), res.content().toString(CharsetUtil.US_ASCII));
                } finally {
                    res.release();
                }
                assertEquals(1, handlers.size());
                assertEquals(data.length, await(handlers.peek().completion()));
                assertEquals(List.of("PUT /upload/put.bin", new AioFileWriteComplete(data.length)),
                        new ArrayList<>(seen), "the request head is passed on, the content is not");
                c.close().sync();
                awaitClosed(child);
            } finally {
                server.close().sync();
            }
            assertArrayEquals(data, Files.readAllBytes(p));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void httpBodyCutShortIsStoredButFailsTheCompletion(LoopType type) throws Exception {
        byte[] body = random(65536 + 1000);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(("PUT /cut HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\n")
                .getBytes(CharsetUtil.US_ASCII));
        wire.write(body, 0, 65536);
        wire.write("\r\n10000\r\n".getBytes(CharsetUtil.US_ASCII));   // a second chunk, cut short by the close
        wire.write(body, 65536, 1000);
        Path p = dir.resolve("cut.bin");
        try (AioFile f = AioFile.open(fileLoop(type, false), p, CREATE, WRITE)) {
            AioFileWriteHandler handler = new AioFileWriteHandler(f, 0);
            Promise<Channel> child = GlobalEventExecutor.INSTANCE.newPromise();
            Recorder recorder = new Recorder(false);
            Channel server = server(type, child, ch -> ch.pipeline().addLast(new HttpServerCodec(), handler, recorder),
                    b -> { });
            try {
                SocketSupport.Collector client = send(type, server, wire.toByteArray(), false);
                assertTrue(handler.completion().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                assertInstanceOf(PrematureChannelClosureException.class, handler.completion().cause());
                assertFalse(recorder.complete.isDone(), "no AioFileWriteComplete for a body cut short");
                await(client.received);
                awaitClosed(child);
            } finally {
                server.close().sync();
            }
            assertArrayEquals(body, Files.readAllBytes(p), "what arrived is stored all the same");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void writeErrorOnReadOnlyFileFailsEverything(LoopType type) throws Exception {
        Path p = Files.write(dir.resolve("ro.bin"), new byte[10]);
        try (AioFile f = AioFile.open(fileLoop(type, false), p, READ)) {
            assertWriteFails(type, f, random(1 << 20), "EBADF");
        }
        assertArrayEquals(new byte[10], Files.readAllBytes(p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.nettyaio.testsuite.SocketSupport#loops")
    void fullFileSystemFailsEverything(LoopType type) throws Exception {
        try (io.github.nettyaio.testing.TinyTmpfs fs = AioTestSupport.tinyTmpfs(dir, "tmpfs");
             AioFile f = AioFile.open(fileLoop(type, false), fs.dir.resolve("full.bin"), CREATE, WRITE)) {
            assertWriteFails(type, f, random(3 << 20), "ENOSPC");
        }
    }

    /** Sends {@code data} to a handler writing to {@code f}; the write must fail with errno {@code errno}. */
    private static void assertWriteFails(LoopType type, AioFile f, byte[] data, String errno) throws Exception {
        AioFileWriteHandler handler = new AioFileWriteHandler(f, 0);
        Promise<Channel> child = GlobalEventExecutor.INSTANCE.newPromise();
        Recorder recorder = new Recorder(false);
        Channel server = server(type, child, ch -> ch.pipeline().addLast(handler, recorder),
                b -> b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true));
        try {
            SocketSupport.Collector client = send(type, server, data, true);
            Throwable cause = await(recorder.exception);      // the recorder closes the channel
            assertInstanceOf(IOException.class, cause);
            assertTrue(cause.getMessage().contains(errno), cause.getMessage());
            assertTrue(handler.completion().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertSame(cause, handler.completion().cause());
            assertFalse(recorder.complete.isDone(), "no AioFileWriteComplete after a failure");
            awaitClosed(child);
            assertTrue(client.received.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "client closes too");
        } finally {
            server.close().sync();
        }
    }

    @org.junit.jupiter.api.Test
    void rejectsBadArguments() throws Exception {
        Path p = Files.write(dir.resolve("args.bin"), new byte[1]);
        try (AioFile f = AioFile.open(AioTestSupport.loop(LoopType.NIO), p, READ)) {
            assertThrows(IllegalArgumentException.class, () -> new AioFileWriteHandler(f, -1));
            assertThrows(NullPointerException.class, () -> new AioFileWriteHandler(null, 0));
            assertThrows(NullPointerException.class, () -> new AioFileWriteHandler(f, 0, null));
            assertThrows(IllegalArgumentException.class, () -> new AioFileWriteComplete(-1));
            AioFileWriteHandler h = new AioFileWriteHandler(f, 5);
            assertSame(f, h.file());
            assertEquals(5, h.startPosition());
            assertSame(AioFileWriteHandler.DEFAULT_WATER_MARK, h.waterMark());
            assertFalse(h.completion().isDone());
        }
    }

    /**
     * A server storing what a client sends through {@link AioFileWriteHandler}, run in a child JVM whose class path
     * is this one's without netty-codec-http (an optional dependency): plain {@code ByteBuf}s need none of it.
     */
    @org.junit.jupiter.api.Test
    void storesByteBufsWithoutCodecHttpOnTheClassPath() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!Path.of(entry).getFileName().toString().startsWith("netty-codec-http")) {
                kept.add(entry);
            }
        }
        assertTrue(kept.size() < classPath.split(File.pathSeparator).length, "codec-http in " + classPath);
        Path stored = dir.resolve("no-http.bin");
        Path log = dir.resolve("no-http.log");
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(launcher, "-Dio.netty.leakDetection.level=paranoid", "-cp",
                String.join(File.pathSeparator, kept), WithoutCodecHttp.class.getName(), stored.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean ended = child.waitFor(6 * TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String output = Files.readString(log);
            assertTrue(ended, "the child JVM did not end: " + output);
            assertEquals(0, child.exitValue(), output);
            assertTrue(output.contains("stored " + WithoutCodecHttp.SIZE + " bytes"), output);
            assertFalse(output.contains("LEAK"), output);
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * The child JVM of {@link #storesByteBufsWithoutCodecHttpOnTheClassPath()}: checks that netty-codec-http is
     * absent, then stores {@link #SIZE} bytes sent over a socket on NIO loops, with small water marks so that
     * backpressure holds reading, into the file its argument names, and passes on a message of another kind.
     * Self-contained: it uses no other test class.
     */
    static final class WithoutCodecHttp {
        static final int SIZE = 3 << 20;
        static final String OTHER = "a message of another kind";
        /** Shorter than the parent's wait, so that a child stuck on a failure still reports it. */
        static final long WAIT_SECONDS = 3 * TIMEOUT_SECONDS;

        public static void main(String[] args) throws Exception {
            try {
                Class.forName("io.netty.handler.codec.http.HttpContent");
                throw new AssertionError("netty-codec-http is on the class path");
            } catch (ClassNotFoundException expected) {
                // the point of this run
            }
            Path path = Path.of(args[0]);
            byte[] data = new byte[SIZE];
            new java.util.Random(17).nextBytes(data);
            io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(2,
                    io.netty.channel.nio.NioIoHandler.newFactory());
            try {
                Promise<Long> stored = GlobalEventExecutor.INSTANCE.newPromise();
                Promise<Object> passedOn = GlobalEventExecutor.INSTANCE.newPromise();
                Channel server = new ServerBootstrap().group(group)
                        .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                        .childHandler(new io.netty.channel.ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                AioFileWriteHandler store = AioFileWriteHandler.builder(path)
                                        .waterMark(new WriteBufferWaterMark(64 << 10, 256 << 10)).build();
                                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelActive(ChannelHandlerContext ctx) {
                                        ctx.fireChannelRead(OTHER); // neither a ByteBuf nor HTTP: passed on
                                        ctx.fireChannelActive();
                                    }
                                }, store, new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        passedOn.trySuccess(msg);
                                    }
                                });
                                store.completion().addListener((Future<Long> done) -> {
                                    if (done.isSuccess()) {
                                        stored.trySuccess(done.getNow());
                                    } else {
                                        stored.tryFailure(done.cause());
                                    }
                                });
                            }
                        })
                        .bind(java.net.InetAddress.getLoopbackAddress(), 0).sync().channel();
                Channel client = new io.netty.bootstrap.Bootstrap().group(group)
                        .channel(io.netty.channel.socket.nio.NioSocketChannel.class)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(server.localAddress()).sync().channel();
                client.writeAndFlush(Unpooled.wrappedBuffer(data)).sync();
                client.close().sync();
                long count = stored.get(WAIT_SECONDS, TimeUnit.SECONDS);
                if (passedOn.get(WAIT_SECONDS, TimeUnit.SECONDS) != OTHER) {
                    throw new AssertionError("passed on " + passedOn.getNow() + ", not " + OTHER);
                }
                if (count != SIZE || !Arrays.equals(data, Files.readAllBytes(path))) {
                    throw new AssertionError("stored " + count + " bytes, not the " + SIZE + " sent");
                }
                server.close().sync();
                System.out.println("stored " + count + " bytes");
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }
}

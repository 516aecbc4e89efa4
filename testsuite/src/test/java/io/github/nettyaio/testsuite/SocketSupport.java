/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.testing.FdCount;
import io.github.nettyaio.testing.RoundTrips;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.params.provider.Arguments;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Real TCP sockets on 127.0.0.1 for the pipeline tests: the socket channel classes of each {@link LoopType},
 * one single-threaded socket group per type (server, accepted and client channels all share its loop), and a
 * client that collects every byte it receives. Channel callbacks run on the socket group's loop; the helpers
 * that wait block the test thread, bounded like {@link AioTestSupport}'s.
 *
 * <p>It is critical to call {@link #shutdownAll()} after a class ({@link PipelineTestBase} does): the socket groups
 * are shared by a class's tests.
 */
final class SocketSupport {
    private static final Map<LoopType, IoEventLoopGroup> GROUPS = new EnumMap<>(LoopType.class);

    private SocketSupport() {
    }

    /** The socket group of {@code type}: one loop, distinct from {@link AioTestSupport#loop(LoopType)}. */
    static synchronized IoEventLoopGroup group(LoopType type) {
        return GROUPS.computeIfAbsent(type, t -> t.newGroup(1));
    }

    /**
     * Lets the socket loops finish closing the channels closed so far, before a test counts descriptors
     * against {@code before}: a closed NIO channel keeps its socket descriptor until its selector runs again,
     * which happens between two task batches of its loop. Round trips through every socket loop (no sleeping)
     * until no socket opened since {@code before} is left, at most 100 times; the caller's assertion then
     * reports what really leaked.
     */
    static void settle(Map<Integer, String> before) throws Exception {
        List<IoEventLoopGroup> groups;
        synchronized (SocketSupport.class) {
            groups = new ArrayList<>(GROUPS.values());
        }
        for (int round = 0; round < 100; round++) {
            if (FdCount.openedSince(before).stream().noneMatch(fd -> fd.contains("socket:"))) {
                return;
            }
            for (IoEventLoopGroup g : groups) {
                AioTestSupport.onLoop(LoopType.loop(g), () -> null);
            }
        }
    }

    static synchronized void shutdownAll() {
        for (IoEventLoopGroup g : GROUPS.values()) {
            g.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
        GROUPS.clear();
    }

    static Class<? extends ServerSocketChannel> serverChannel(LoopType type) {
        switch (type) {
            case NIO:
                return NioServerSocketChannel.class;
            case EPOLL:
                return EpollServerSocketChannel.class;
            case IO_URING:
                return IoUringServerSocketChannel.class;
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    static Class<? extends SocketChannel> socketChannel(LoopType type) {
        switch (type) {
            case NIO:
                return NioSocketChannel.class;
            case EPOLL:
                return EpollSocketChannel.class;
            case IO_URING:
                return IoUringSocketChannel.class;
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    /** The engines the pipeline tests run on: AUTO (io_uring here), POSIX AIO and the blocking pool. */
    static final AioEngine[] ENGINES = {AioEngine.AUTO, AioEngine.POSIX_AIO, AioEngine.BLOCKING};

    /** Every engine × loop type × (file on the channel's loop, file on another loop). */
    static Stream<Arguments> placements() {
        List<Arguments> out = new ArrayList<>();
        for (AioEngine e : ENGINES) {
            for (LoopType t : LoopType.available()) {
                out.add(Arguments.of(e, t, true));
                out.add(Arguments.of(e, t, false));
            }
        }
        return out.stream();
    }

    /** Every loop type this machine runs. */
    static Stream<LoopType> loops() {
        return LoopType.available().stream();
    }

    /**
     * A loop for a file: the loop of {@code type}'s socket group (so the channel's own loop) when {@code same},
     * else a loop of the next available type (of another group, when only one type runs).
     */
    static IoEventLoop fileLoop(LoopType type, boolean same) {
        if (same) {
            return LoopType.loop(group(type));
        }
        List<LoopType> all = LoopType.available();
        return AioTestSupport.loop(all.get((all.indexOf(type) + 1) % all.size()));
    }

    /**
     * Creates what is created once per process (socket groups, file loops, each engine's shared threads and
     * rings) by reading {@code file} through every engine on every file loop, so that tests can count descriptors.
     */
    static void warmUp(Path file) throws Exception {
        for (LoopType t : LoopType.available()) {
            for (boolean same : new boolean[] {true, false}) {
                for (AioEngine e : ENGINES) {
                    try (AioFile warm = AioFile.open(fileLoop(t, same), file, e, StandardOpenOption.READ)) {
                        ByteBuf buffer = Unpooled.directBuffer(1);
                        try {
                            AioTestSupport.await(warm.read(buffer, 0));
                        } finally {
                            buffer.release();
                        }
                    }
                }
            }
        }
    }

    /** {@code n} random bytes ({@link RoundTrips#random}). */
    static byte[] random(int n) {
        return RoundTrips.random(n);
    }

    /** A channel initializer running {@code init} on each new channel. */
    static ChannelInitializer<Channel> init(Consumer<Channel> init) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                init.accept(ch);
            }
        };
    }

    /** A server bootstrap on {@code type}'s socket group; bind it to {@link #localhost()}. */
    static ServerBootstrap server(LoopType type, Consumer<Channel> childInit) {
        return server(type, group(type), childInit);
    }

    /** A server bootstrap on {@code group} (of {@code type}), its parent and children on the same group. */
    static ServerBootstrap server(LoopType type, IoEventLoopGroup group, Consumer<Channel> childInit) {
        return new ServerBootstrap().group(group, group).channel(serverChannel(type)).childHandler(init(childInit));
    }

    /** A client bootstrap on {@code type}'s socket group. */
    static Bootstrap client(LoopType type, Consumer<Channel> init) {
        return client(type, group(type), init);
    }

    /** A client bootstrap on {@code group} (of {@code type}). */
    static Bootstrap client(LoopType type, IoEventLoopGroup group, Consumer<Channel> init) {
        return new Bootstrap().group(group).channel(socketChannel(type)).handler(init(init));
    }

    /** 127.0.0.1, any port. */
    static InetSocketAddress localhost() {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /**
     * The last inbound handler of a client: copies every {@link ByteBuf} it receives (and releases it), and
     * completes {@link #received} with all the bytes when the channel becomes inactive.
     */
    static final class Collector extends ChannelInboundHandlerAdapter {
        final Promise<byte[]> received = GlobalEventExecutor.INSTANCE.newPromise();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] copy = new byte[buf.readableBytes()];
                buf.readBytes(copy);
                bytes.write(copy, 0, copy.length);
            } finally {
                buf.release();
            }
        }

        /** Bytes received so far (on the channel's loop). */
        int size() {
            return bytes.size();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            received.trySuccess(bytes.toByteArray());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.tryFailure(cause);
            ctx.close();
        }
    }
}

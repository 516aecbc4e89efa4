/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.testing;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The socket transports the tests run servers on: NIO everywhere, epoll and io_uring where available. */
public enum TestTransport {
    /** Java NIO selectors. */
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, () -> true),
    /** Linux epoll. */
    EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, Epoll::isAvailable),
    /** Linux io_uring. */
    IO_URING(IoUringIoHandler::newFactory, IoUringServerSocketChannel.class, IoUring::isAvailable);

    private final Supplier<IoHandlerFactory> factory;
    private final Class<? extends ServerChannel> serverChannel;
    private final BooleanSupplier available;

    TestTransport(Supplier<IoHandlerFactory> factory, Class<? extends ServerChannel> serverChannel,
                  BooleanSupplier available) {
        this.factory = factory;
        this.serverChannel = serverChannel;
        this.available = available;
    }

    /** Whether this machine runs it. */
    public boolean isAvailable() {
        try {
            return available.getAsBoolean();
        } catch (Throwable e) {
            return false;
        }
    }

    /** A new group of {@code threads} loops. */
    public IoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, factory.get());
    }

    /** The server channel class for {@link #newGroup}'s loops. */
    public Class<? extends ServerChannel> serverChannelClass() {
        return serverChannel;
    }

    /** The available transports, best last. */
    public static List<TestTransport> available() {
        List<TestTransport> out = new ArrayList<>();
        for (TestTransport t : values()) {
            if (t.isAvailable()) {
                out.add(t);
            }
        }
        return out;
    }

    /** io_uring, else epoll, else NIO. */
    public static TestTransport best() {
        List<TestTransport> all = available();
        return all.get(all.size() - 1);
    }
}

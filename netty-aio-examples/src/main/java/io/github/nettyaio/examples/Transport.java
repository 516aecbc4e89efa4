/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

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
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The socket transports the example servers can run on: an {@link io.netty.channel.IoHandler} factory and the
 * matching server channel class. {@link #best()} picks io_uring, else epoll, else NIO; the server's
 * {@code --transport} flag and the examples' tests both use this enum.
 */
public enum Transport {
    /** Java NIO selectors: runs everywhere. */
    NIO("nio", NioIoHandler::newFactory, NioServerSocketChannel.class, () -> true),
    /** Linux epoll (needs {@code netty-transport-native-epoll} for the platform). */
    EPOLL("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class, Epoll::isAvailable),
    /** Linux io_uring (needs {@code netty-transport-native-io_uring} and a kernel that allows it). */
    IO_URING("io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class, IoUring::isAvailable);

    private final String flag;
    private final Supplier<IoHandlerFactory> factory;
    private final Class<? extends ServerChannel> serverChannel;
    private final BooleanSupplier available;

    Transport(String flag, Supplier<IoHandlerFactory> factory, Class<? extends ServerChannel> serverChannel,
              BooleanSupplier available) {
        this.flag = flag;
        this.factory = factory;
        this.serverChannel = serverChannel;
        this.available = available;
    }

    /** The name used on the command line ({@code nio}, {@code epoll}, {@code io_uring}). */
    public String flag() {
        return flag;
    }

    /** Whether this machine can run this transport (false, never an exception, when its native part is missing). */
    public boolean isAvailable() {
        try {
            return available.getAsBoolean();
        } catch (Throwable e) {
            return false;
        }
    }

    /** A new group of {@code threads} event loops of this transport ({@code 0}: Netty's default count). */
    public IoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, factory.get());
    }

    /** The server socket channel class for loops of {@link #newGroup}. */
    public Class<? extends ServerChannel> serverChannelClass() {
        return serverChannel;
    }

    /** The transports this machine can run, best last: NIO, then epoll, then io_uring where available. */
    public static List<Transport> available() {
        List<Transport> out = new ArrayList<>();
        for (Transport t : values()) {
            if (t.isAvailable()) {
                out.add(t);
            }
        }
        return out;
    }

    /** io_uring if available, else epoll if available, else NIO. */
    public static Transport best() {
        List<Transport> all = available();
        return all.get(all.size() - 1);
    }

    /**
     * The transport named {@code name} ({@code nio}, {@code epoll}, {@code io_uring}; case-insensitive,
     * {@code iouring} and {@code io-uring} accepted too).
     *
     * @throws IllegalArgumentException an unknown name
     */
    public static Transport parse(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('-', '_');
        for (Transport t : values()) {
            if (t.flag.equals(n) || t.flag.replace("_", "").equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "' (expected nio, epoll or io_uring)");
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The event-loop types every integration test runs on, like Netty's testsuite runs each test on every
 * transport. {@link #available()} lists the ones this machine can run; a type that can't run here is
 * left out with the reason printed (on Linux x86_64 with io_uring enabled, all three run).
 */
public enum LoopType {
    NIO(NioIoHandler::newFactory, () -> true),
    EPOLL(EpollIoHandler::newFactory, Epoll::isAvailable),
    IO_URING(IoUringIoHandler::newFactory, IoUring::isAvailable);

    private final Supplier<IoHandlerFactory> factory;
    private final BooleanSupplier available;

    LoopType(Supplier<IoHandlerFactory> factory, BooleanSupplier available) {
        this.factory = factory;
        this.available = available;
    }

    /** A new group of {@code threads} loops of this type. */
    public IoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, factory.get());
    }

    /** The first loop of {@code group}. */
    public static IoEventLoop loop(IoEventLoopGroup group) {
        return (IoEventLoop) group.next();
    }

    /** The types this machine can run. */
    public static List<LoopType> available() {
        List<LoopType> out = new ArrayList<>();
        for (LoopType t : values()) {
            boolean ok;
            try {
                ok = t.available.getAsBoolean();
            } catch (Throwable e) {
                ok = false;
            }
            if (ok) {
                out.add(t);
            } else {
                System.err.println("netty-aio testsuite: " + t + " event loops are not available here; skipped");
            }
        }
        return out;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

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
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Netty event-loop types the tests run on: NIO, epoll and io_uring, each a {@link MultiThreadIoEventLoopGroup}
 * of its {@link IoHandlerFactory}. {@link #available} lists those this machine can run (on Linux x86_64 with
 * io_uring enabled, all three). Tasks and callbacks of a group's loops run on their own threads.
 *
 * <p>It is critical that a test shuts down every group it made ({@link Loops#shutdown}): a loop left running keeps
 * its threads, descriptors and rings until the JVM exits, which the descriptor checks of later tests count.
 */
public enum LoopKind {
    /** {@link NioIoHandler}: runs everywhere. */
    NIO(NioIoHandler::newFactory, () -> true),
    /** {@link EpollIoHandler}: Linux, with Netty's epoll native on the class path. */
    EPOLL(EpollIoHandler::newFactory, Epoll::isAvailable),
    /** {@link IoUringIoHandler}: Linux with io_uring enabled, with Netty's io_uring native on the class path. */
    IO_URING(IoUringIoHandler::newFactory, IoUring::isAvailable);

    private final Supplier<IoHandlerFactory> factory;
    private final BooleanSupplier available;

    LoopKind(Supplier<IoHandlerFactory> factory, BooleanSupplier available) {
        this.factory = factory;
        this.available = available;
    }

    /**
     * A new handler factory of this type; any thread.
     *
     * @throws UnsatisfiedLinkError or another error where this type can't run ({@link #isAvailable()} false)
     */
    public IoHandlerFactory newFactory() {
        return factory.get();
    }

    /**
     * A new group of {@code threads} loops of this type (the caller shuts it down); any thread.
     *
     * @throws UnsatisfiedLinkError or another error where this type can't run ({@link #isAvailable()} false)
     */
    public IoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, newFactory());
    }

    /** Whether this machine can run loops of this type; any thread, never throws. */
    public boolean isAvailable() {
        try {
            return available.getAsBoolean();
        } catch (Throwable unavailable) {
            return false;
        }
    }

    /** The first loop of {@code group}, as the {@link IoEventLoop} every group of this enum has; any thread. */
    public static IoEventLoop loop(IoEventLoopGroup group) {
        return (IoEventLoop) group.next();
    }

    /**
     * The types this machine can run, in declaration order; each one left out is passed to {@code skipped}
     * (e.g. to print why). Any thread, never throws.
     */
    public static List<LoopKind> available(Consumer<LoopKind> skipped) {
        List<LoopKind> out = new ArrayList<>();
        for (LoopKind kind : values()) {
            if (kind.isAvailable()) {
                out.add(kind);
            } else {
                skipped.accept(kind);
            }
        }
        return out;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testsuite;

import io.github.nettyaio.testing.LoopKind;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * The event-loop types every integration test runs on, like Netty's testsuite runs each test on every
 * transport: the shared {@link LoopKind}s, under the name the testsuite's parameters show. {@link #available()}
 * lists the ones this machine can run; a type that can't run here is left out with the reason printed (on Linux
 * x86_64 with io_uring enabled, all three run). Groups' tasks run on their own loop threads.
 *
 * <p>It is critical that each group made with {@link #newGroup} is shut down by the test that made it.
 */
public enum LoopType {
    /** NIO loops. */
    NIO(LoopKind.NIO),
    /** Epoll loops (Linux). */
    EPOLL(LoopKind.EPOLL),
    /** io_uring loops (Linux with io_uring enabled). */
    IO_URING(LoopKind.IO_URING);

    private final LoopKind kind;

    LoopType(LoopKind kind) {
        this.kind = kind;
    }

    /** The shared type this one is. */
    public LoopKind kind() {
        return kind;
    }

    /** A new group of {@code threads} loops of this type; any thread. */
    public IoEventLoopGroup newGroup(int threads) {
        return kind.newGroup(threads);
    }

    /** The first loop of {@code group}; any thread. */
    public static IoEventLoop loop(IoEventLoopGroup group) {
        return LoopKind.loop(group);
    }

    /** The types this machine can run, each left out printed to standard error; never throws. */
    public static List<LoopType> available() {
        List<LoopType> out = new ArrayList<>();
        for (LoopKind kind : LoopKind.available(skipped -> System.err.println(
                "netty-aio testsuite: " + skipped + " event loops are not available here; skipped"))) {
            out.add(valueOf(kind.name()));
        }
        return out;
    }
}

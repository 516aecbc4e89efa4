/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.benchmarks;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUringIoHandler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What one hand-over between two idle event loops costs here: a task ping-ponged between an NIO loop and an
 * io_uring loop (the path a shared-ring operation of an NIO loop takes, without the I/O), one at a time. Prints
 * the mean round trip of each of three rounds. At queue depth 1 a shared-ring read pays one round trip on top of
 * the read itself.
 *
 * <p>Usage: {@code java -cp ... io.github.nettyaio.benchmarks.LoopHandOver [round trips per round, default 20000]}
 */
public final class LoopHandOver {
    private LoopHandOver() {
    }

    public static void main(String[] args) throws Exception {
        int trips = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        IoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        IoEventLoopGroup uring = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        try {
            EventLoop n = nio.next();
            EventLoop u = uring.next();
            for (int round = 1; round <= 3; round++) {
                CompletableFuture<Long> done = new CompletableFuture<>();
                new Object() {
                    private int left = trips;
                    private final long start = System.nanoTime();

                    void back() {               // on the NIO loop
                        if (--left == 0) {
                            done.complete(System.nanoTime() - start);
                        } else {
                            u.execute(() -> n.execute(this::back));
                        }
                    }

                    void go() {
                        n.execute(() -> u.execute(() -> n.execute(this::back)));
                    }
                }.go();
                long ns = done.get(5, TimeUnit.MINUTES);
                System.out.printf("round %d: NIO -> io_uring loop -> NIO round trip %.1f us (%d trips)%n", round,
                        ns / 1000.0 / trips, trips);
            }
        } finally {
            nio.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            uring.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

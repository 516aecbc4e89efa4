/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.benchmarks;

import io.github.nettyaio.Aio;
import io.github.nettyaio.source.AioRead;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.Promise;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Random reads through the seed layer ({@link Aio} + {@link AioRead}) at a fixed queue depth on one event
 * loop, for the side-by-side comparison with {@code fio --ioengine=posixaio} in
 * {@code benchmarks/seed-vs-fio.sh}. Prints one line: {@code ops seconds iops cpu_seconds}.
 *
 * <p>Usage: {@code AioRandomRead FILE BLOCK_SIZE QUEUE_DEPTH SECONDS [nio|epoll|io_uring]}
 */
public final class AioRandomRead {
    private final IoEventLoop loop;
    private final PosixFileDescriptor fd;
    private final int block;
    private final long blocks;
    private final SplittableRandom random = new SplittableRandom(42);
    private final long deadline;
    private final Promise<Void> done;
    private long ops;
    private int inFlight;

    private AioRandomRead(IoEventLoop loop, PosixFileDescriptor fd, int block, long fileSize, long deadline) {
        this.loop = loop;
        this.fd = fd;
        this.block = block;
        this.blocks = fileSize / block;
        this.deadline = deadline;
        this.done = loop.newPromise();
    }

    private void start(int depth) {
        for (int i = 0; i < depth; i++) {
            submitOne(PooledByteBufAllocator.DEFAULT.directBuffer(block, block));
        }
    }

    private void submitOne(ByteBuf buf) {
        buf.clear();
        AioRead read = new AioRead(fd, random.nextLong(blocks) * block, buf);
        try {
            Aio<AioRead> aio = Aio.newForAio(loop, read);
            read.submit();
            inFlight++;
            aio.ready().addListener(f -> {
                inFlight--;
                try {
                    long n = read.result();
                    if (n != block) {
                        throw new IllegalStateException("short read " + n);
                    }
                    ops++;
                } catch (Exception e) {
                    done.tryFailure(e);
                }
                aio.close();
                if (System.nanoTime() < deadline && !done.isDone()) {
                    submitOne(buf);
                } else {
                    buf.release();
                    if (inFlight == 0) {
                        done.trySuccess(null);
                    }
                }
            });
        } catch (Exception e) {
            buf.release();
            done.tryFailure(e);
        }
    }

    public static void main(String[] args) throws Exception {
        Path file = Paths.get(args[0]);
        int block = Integer.parseInt(args[1]);
        int depth = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        String kind = args.length > 4 ? args[4] : "epoll";
        IoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, kind.equals("nio") ? NioIoHandler.newFactory()
                : kind.equals("io_uring") ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory());
        IoEventLoop loop = (IoEventLoop) group.next();
        try (PosixFileDescriptor fd = PosixFiles.open(file)) {
            long size = PosixFiles.size(fd);
            // Warm-up run (JIT, glibc AIO threads), then the measured run.
            run(loop, fd, block, size, depth, Math.min(3, seconds));
            long cpu0 = CpuTime.processCpuNanos();
            long t0 = System.nanoTime();
            long ops = run(loop, fd, block, size, depth, seconds);
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (CpuTime.processCpuNanos() - cpu0) / 1e9;
            System.out.printf("%d %.3f %.0f %.3f%n", ops, secs, ops / secs, cpu);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static long run(IoEventLoop loop, PosixFileDescriptor fd, int block, long size, int depth, int seconds)
            throws Exception {
        AioRandomRead bench = new AioRandomRead(loop, fd, block, size,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
        loop.execute(() -> bench.start(depth));
        bench.done.sync();
        return bench.ops;
    }
}

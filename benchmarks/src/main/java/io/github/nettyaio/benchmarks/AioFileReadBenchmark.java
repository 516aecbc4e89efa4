/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.benchmarks;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.uring.IoUringIoHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * JMH: latency of one 4 KiB page-cache-hot {@link AioFile#read(ByteBuf, long)} at queue depth 1, per engine.
 * The benchmark thread issues the read and blocks on its future, so each operation includes the hand-over to
 * the file's event loop and the wake-up of the waiting thread (what a caller outside the loop sees). The
 * {@code IO_URING} engine runs on an io_uring event loop, the others on an epoll loop. The file (16 MiB of
 * random bytes) is created in {@code dir} (default {@code /dev/shm}, i.e. the page cache) and deleted after.
 *
 * <p>Run, from the project root:
 * <pre>
 * mvn -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -pl benchmarks -am
 * java -cp "$(cat /tmp/cp.txt):benchmarks/target/classes" org.openjdk.jmh.Main AioFileReadBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AioFileReadBenchmark {
    private static final int BLOCK = 4096;
    private static final int FILE_SIZE = 16 << 20;

    /** The engine under test. */
    @Param({"IO_URING", "POSIX_AIO", "BLOCKING"})
    public AioEngine engine;

    /** Where the temporary file is created. */
    @Param("/dev/shm")
    public String dir;

    private IoEventLoopGroup group;
    private Path path;
    private AioFile file;
    private ByteBuf buf;
    private final SplittableRandom random = new SplittableRandom(42);

    /**
     * Creates the file, the event loop and the {@link AioFile}.
     *
     * @throws IOException the file can't be created or opened
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        path = Files.createTempFile(Paths.get(dir), "aiofile-bench", ".bin");
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(path)) {
            for (int i = 0; i < FILE_SIZE / chunk.length; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        group = new MultiThreadIoEventLoopGroup(1, engine == AioEngine.IO_URING ? IoUringIoHandler.newFactory()
                : EpollIoHandler.newFactory());
        file = AioFile.open((IoEventLoop) group.next(), path, engine);
        buf = AlignedBuffers.allocate(BLOCK, BLOCK);
    }

    /**
     * Reads one random 4 KiB block and waits for it.
     *
     * @return the bytes read (always 4096)
     * @throws Exception the read failed
     */
    @Benchmark
    public int read4k() throws Exception {
        buf.clear();
        return file.read(buf, random.nextLong(FILE_SIZE / BLOCK) * BLOCK).get();
    }

    /**
     * Closes the file and the loop, releases the buffer and deletes the file.
     *
     * @throws IOException closing or deleting failed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (file != null) {
                file.close();
            }
        } finally {
            if (buf != null) {
                buf.release();
            }
            if (group != null) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            }
            Files.deleteIfExists(path);
        }
    }
}

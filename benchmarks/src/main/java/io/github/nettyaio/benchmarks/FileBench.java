/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.benchmarks;

import com.sun.nio.file.ExtendedOpenOption;
import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.github.nettyaio.sys.AioOpenOption;
import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One measurement of one file workload through one implementation, for {@code benchmarks/compare.sh}: a
 * warm-up run, then a timed run whose process CPU time ({@link CpuTime}) is measured too. Prints one line,
 * {@code ops seconds iops mbps cpu_seconds} (MB/s in units of 10^6 bytes), and nothing else on stdout.
 *
 * <p>Usage: {@code FileBench IMPL KIND BLOCK QD direct|buffered FILE SECONDS [WARMUP_SECONDS]}
 * <ul>
 * <li>{@code IMPL}: {@code aio:ENGINE:LOOP} ({@link AioFile} with {@link AioEngine} {@code ENGINE} on one event
 * loop of type {@code io_uring}, {@code epoll} or {@code nio}); {@code jdk-fc} ({@link FileChannel}
 * positional I/O on the calling thread: queue depth 1 whatever {@code QD} says); {@code jdk-afc}
 * ({@link AsynchronousFileChannel} on the JDK's default pool); {@code jdk-afc2} (the same on
 * {@code Executors.newFixedThreadPool(2)}).</li>
 * <li>{@code KIND}: {@code randread} (uniformly random block-aligned positions), {@code seqread} (consecutive
 * blocks, wrapping at the end of the file; with {@code QD} &gt; 1 each request takes the next block) or
 * {@code randwrite} (batches of {@code QD} random block writes all in flight together; once the whole
 * batch completed, one {@code syncData}/{@code force(false)}; {@code ops} counts the writes).</li>
 * <li>{@code direct} opens with {@code O_DIRECT} ({@link AioOpenOption#DIRECT} or
 * {@link ExtendedOpenOption#DIRECT}); buffers are 4096-aligned direct memory in every case.</li>
 * </ul>
 *
 * <p>For the asynchronous implementations {@code QD} requests are kept in flight: each completion issues the
 * next request from the thread it completes on (the event loop for {@link AioFile}). The timed run stops
 * issuing at the deadline and ends when the last request in flight completed.
 */
public final class FileBench {
    private static final int ALIGNMENT = 4096;

    private FileBench() {
    }

    /** The I/O pattern of a run. */
    enum Kind {
        RANDREAD, SEQREAD, RANDWRITE
    }

    /** The workload parameters shared by every implementation. */
    static final class Workload {
        final Kind kind;
        final int block;
        final int depth;
        final boolean direct;
        final Path file;
        final long blocks;
        private final AtomicLong seq = new AtomicLong();

        Workload(Kind kind, int block, int depth, boolean direct, Path file, long size) {
            if (size < block) {
                throw new IllegalArgumentException(file + " is smaller than one block (" + size + " bytes)");
            }
            this.kind = kind;
            this.block = block;
            this.depth = depth;
            this.direct = direct;
            this.file = file;
            this.blocks = size / block;
        }

        /** The next position (thread-safe). */
        long nextPosition() {
            long b = kind == Kind.SEQREAD ? seq.getAndIncrement() % blocks
                    : ThreadLocalRandom.current().nextLong(blocks);
            return b * block;
        }

        boolean isWrite() {
            return kind == Kind.RANDWRITE;
        }
    }

    /** One implementation, set up once, run twice (warm-up and timed). */
    interface Driver extends AutoCloseable {
        /** Runs until {@code deadline} ({@link System#nanoTime()}) and returns the operations completed. */
        long run(long deadline) throws Exception;

        @Override
        void close() throws Exception;
    }

    /**
     * Runs one measurement and prints {@code ops seconds iops mbps cpu_seconds}.
     *
     * @param args {@code IMPL KIND BLOCK QD direct|buffered FILE SECONDS [WARMUP_SECONDS]}
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: FileBench IMPL KIND BLOCK QD direct|buffered FILE SECONDS [WARMUP_SECONDS]");
            System.exit(2);
        }
        String impl = args[0];
        Kind kind = Kind.valueOf(args[1].toUpperCase(Locale.ROOT));
        int block = Integer.parseInt(args[2]);
        int depth = Integer.parseInt(args[3]);
        boolean direct = parseDirect(args[4]);
        Path file = Paths.get(args[5]);
        double seconds = Double.parseDouble(args[6]);
        double warmup = args.length > 7 ? Double.parseDouble(args[7]) : 1;
        Workload w = new Workload(kind, block, depth, direct, file, java.nio.file.Files.size(file));
        int status = 0;
        try (Driver d = driver(impl, w)) {
            if (warmup > 0) {
                d.run(System.nanoTime() + (long) (warmup * 1e9));
            }
            long cpu0 = CpuTime.processCpuNanos();
            long t0 = System.nanoTime();
            long ops = d.run(t0 + (long) (seconds * 1e9));
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (CpuTime.processCpuNanos() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "%d %.3f %.0f %.2f %.2f%n", ops, secs, ops / secs,
                    ops * (double) block / secs / 1e6, cpu);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        // Don't let a stray non-daemon thread keep the comparison script waiting.
        System.exit(status);
    }

    private static boolean parseDirect(String s) {
        switch (s) {
            case "direct":
                return true;
            case "buffered":
                return false;
            default:
                throw new IllegalArgumentException("expected direct or buffered, got " + s);
        }
    }

    private static Driver driver(String impl, Workload w) throws Exception {
        if (impl.startsWith("aio:")) {
            String[] p = impl.split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("expected aio:ENGINE:LOOP, got " + impl);
            }
            return new AioDriver(w, AioEngine.valueOf(p[1]), p[2]);
        }
        switch (impl) {
            case "jdk-fc":
                return new FileChannelDriver(w);
            case "jdk-afc":
                return new AsyncChannelDriver(w, null);
            case "jdk-afc2":
                return new AsyncChannelDriver(w, Executors.newFixedThreadPool(2));
            default:
                throw new IllegalArgumentException("unknown implementation " + impl);
        }
    }

    private static IoHandlerFactory handlerFactory(String loop) {
        switch (loop) {
            case "io_uring":
                return IoUringIoHandler.newFactory();
            case "epoll":
                return EpollIoHandler.newFactory();
            case "nio":
                return NioIoHandler.newFactory();
            default:
                throw new IllegalArgumentException("unknown loop type " + loop + " (io_uring, epoll, nio)");
        }
    }

    /**
     * {@link AioFile} on one event loop; every operation is issued from that loop's thread. The system property
     * {@value #FILES_PROPERTY} (default 1, reads only) opens the file that many times, as that many {@link AioFile}s
     * on the same loop, and spreads the {@code QD} requests over them (request slot {@code i} reads through file
     * {@code i % N}): one loop serving several files, as a server does.
     */
    static final class AioDriver implements Driver {
        static final String FILES_PROPERTY = "nettyaio.bench.files";
        private final Workload w;
        private final IoEventLoopGroup group;
        private final IoEventLoop loop;
        private final AioFile[] files;
        private final ByteBuf[] bufs;

        AioDriver(Workload w, AioEngine engine, String loopType) throws IOException {
            this.w = w;
            this.group = new MultiThreadIoEventLoopGroup(1, handlerFactory(loopType));
            this.loop = (IoEventLoop) group.next();
            this.bufs = new ByteBuf[w.depth];
            int n = Integer.getInteger(FILES_PROPERTY, 1);
            if (n < 1 || n > w.depth || n > 1 && w.isWrite()) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
                throw new IllegalArgumentException(FILES_PROPERTY + "=" + n + ": 1 to QD files, and 1 for writes");
            }
            this.files = new AioFile[n];
            try {
                List<OpenOption> options = new ArrayList<>();
                options.add(StandardOpenOption.READ);
                if (w.isWrite()) {
                    options.add(StandardOpenOption.WRITE);
                }
                if (w.direct) {
                    options.add(AioOpenOption.DIRECT);
                }
                for (int i = 0; i < n; i++) {
                    files[i] = AioFile.open(loop, w.file, engine, options.toArray(new OpenOption[0]));
                    if (files[i].engine() != engine) {
                        throw new IllegalStateException("asked for " + engine + ", got " + files[i].engine());
                    }
                }
                byte[] data = new byte[w.block];
                for (int i = 0; i < bufs.length; i++) {
                    bufs[i] = AlignedBuffers.allocate(ALIGNMENT, w.block);
                    if (w.isWrite()) {
                        ThreadLocalRandom.current().nextBytes(data);
                        bufs[i].writeBytes(data);
                    }
                }
            } catch (IOException | RuntimeException e) {
                closeFiles();
                releaseBuffers();
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
                throw e;
            }
        }

        @Override
        public long run(long deadline) throws Exception {
            Run r = new Run(deadline);
            loop.execute(r::start);
            r.done.sync();
            return r.ops;
        }

        @Override
        public void close() throws Exception {
            try {
                closeFiles();
            } finally {
                releaseBuffers();
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }

        private void closeFiles() throws IOException {
            for (AioFile f : files) {
                if (f != null) {
                    f.close();
                }
            }
        }

        private void releaseBuffers() {
            for (ByteBuf b : bufs) {
                if (b != null) {
                    b.release();
                }
            }
        }

        /** The state of one run, confined to the loop thread. */
        private final class Run {
            final long deadline;
            final Promise<Void> done = loop.newPromise();
            long ops;
            int inFlight;
            Throwable failure;

            Run(long deadline) {
                this.deadline = deadline;
            }

            void start() {
                if (w.isWrite()) {
                    startBatch();
                } else {
                    inFlight = w.depth;
                    for (int i = 0; i < w.depth; i++) {
                        read(i);
                    }
                }
            }

            /** Issues a read through {@code slot}; the caller has counted it in {@link #inFlight}. */
            void read(int slot) {
                ByteBuf b = bufs[slot].clear();
                files[slot % files.length].read(b, w.nextPosition()).addListener(f -> readDone(slot, f));
            }

            void readDone(int slot, Future<?> f) {
                inFlight--;
                if (!f.isSuccess()) {
                    fail(f.cause());
                } else if ((Integer) f.getNow() != w.block) {
                    fail(new IOException("short read: " + f.getNow() + " of " + w.block + " bytes"));
                } else {
                    ops++;
                }
                if (failure == null && System.nanoTime() < deadline) {
                    inFlight++;
                    read(slot);
                } else if (inFlight == 0) {
                    finish();
                }
            }

            void startBatch() {
                inFlight += w.depth;
                for (int i = 0; i < w.depth; i++) {
                    ByteBuf b = bufs[i].setIndex(0, w.block);
                    files[0].write(b, w.nextPosition()).addListener(this::writeDone);
                }
            }

            void writeDone(Future<?> f) {
                inFlight--;
                if (f.isSuccess()) {
                    ops++;
                } else {
                    fail(f.cause());
                }
                if (inFlight > 0) {
                    return;
                }
                if (failure != null) {
                    finish();
                    return;
                }
                files[0].syncData().addListener(s -> {
                    if (!s.isSuccess()) {
                        fail(s.cause());
                    }
                    if (failure == null && System.nanoTime() < deadline) {
                        startBatch();
                    } else {
                        finish();
                    }
                });
            }

            void fail(Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }

            void finish() {
                if (failure != null) {
                    done.tryFailure(failure);
                } else {
                    done.trySuccess(null);
                }
            }
        }
    }

    private static Set<OpenOption> jdkOptions(Workload w) {
        Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.READ);
        if (w.isWrite()) {
            options.add(StandardOpenOption.WRITE);
        }
        if (w.direct) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        return options;
    }

    /** A direct buffer of exactly {@code size} bytes starting at a 4096-aligned address. */
    private static ByteBuffer alignedBuffer(int size) {
        return ByteBuffer.allocateDirect(size + ALIGNMENT).alignedSlice(ALIGNMENT).limit(size).slice();
    }

    private static void fillRandom(ByteBuffer b) {
        byte[] data = new byte[b.capacity()];
        ThreadLocalRandom.current().nextBytes(data);
        b.clear();
        b.put(data).flip();
    }

    /** {@link FileChannel} positional reads/writes on the calling thread: always queue depth 1. */
    static final class FileChannelDriver implements Driver {
        private final Workload w;
        private final FileChannel ch;
        private final ByteBuffer buf;

        FileChannelDriver(Workload w) throws IOException {
            this.w = w;
            this.ch = FileChannel.open(w.file, jdkOptions(w));
            this.buf = alignedBuffer(w.block);
            if (w.isWrite()) {
                fillRandom(buf);
            }
        }

        @Override
        public long run(long deadline) throws IOException {
            long ops = 0;
            if (w.isWrite()) {
                do {
                    for (int i = 0; i < w.depth; i++) {
                        long pos = w.nextPosition();
                        buf.clear();
                        while (buf.hasRemaining()) {
                            ch.write(buf, pos + buf.position());
                        }
                        ops++;
                    }
                    ch.force(false);
                } while (System.nanoTime() < deadline);
                return ops;
            }
            do {
                long pos = w.nextPosition();
                buf.clear();
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) < 0) {
                        throw new EOFException("EOF at " + (pos + buf.position()));
                    }
                }
                ops++;
            } while (System.nanoTime() < deadline);
            return ops;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /**
     * {@link AsynchronousFileChannel} with {@code QD} requests in flight, each completion handler issuing the
     * next request; on the default pool ({@code executor == null}) or on {@code executor}.
     */
    static final class AsyncChannelDriver implements Driver {
        private final Workload w;
        private final ExecutorService executor;
        private final AsynchronousFileChannel ch;
        private final ByteBuffer[] bufs;

        AsyncChannelDriver(Workload w, ExecutorService executor) throws IOException {
            this.w = w;
            this.executor = executor;
            try {
                this.ch = AsynchronousFileChannel.open(w.file, jdkOptions(w), executor);
            } catch (IOException | RuntimeException e) {
                if (executor != null) {
                    executor.shutdownNow();
                }
                throw e;
            }
            this.bufs = new ByteBuffer[w.depth];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = alignedBuffer(w.block);
                if (w.isWrite()) {
                    fillRandom(bufs[i]);
                }
            }
        }

        @Override
        public long run(long deadline) throws Exception {
            Run r = new Run(deadline);
            r.start();
            r.done.await();
            Throwable t = r.failure.get();
            if (t != null) {
                throw new IOException("AsynchronousFileChannel run failed", t);
            }
            return r.ops.get();
        }

        @Override
        public void close() throws Exception {
            try {
                ch.close();
            } finally {
                if (executor != null) {
                    executor.shutdown();
                    executor.awaitTermination(10, TimeUnit.SECONDS);
                }
            }
        }

        /** One run: {@code QD} slots, each a buffer and a completion handler. */
        private final class Run {
            final long deadline;
            final CountDownLatch done = new CountDownLatch(1);
            final AtomicLong ops = new AtomicLong();
            final AtomicInteger inFlight = new AtomicInteger();
            final AtomicReference<Throwable> failure = new AtomicReference<>();

            Run(long deadline) {
                this.deadline = deadline;
            }

            /** Puts every slot in flight: reads then run until the deadline, writes in batches. */
            void start() {
                startBatch();
            }

            void startBatch() {
                inFlight.set(bufs.length);
                for (ByteBuffer b : bufs) {
                    new Slot(b).issue();
                }
            }

            /** A slot's request is over (done, or failed to start). */
            void slotDone() {
                if (inFlight.decrementAndGet() != 0) {
                    return;
                }
                if (w.isWrite() && failure.get() == null) {
                    try {
                        ch.force(false); // blocking: AsynchronousFileChannel has no asynchronous force
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                    if (failure.get() == null && System.nanoTime() < deadline) {
                        startBatch();
                        return;
                    }
                }
                done.countDown();
            }

            /** One request in flight at a time through {@code buf}. */
            private final class Slot implements CompletionHandler<Integer, Void> {
                private final ByteBuffer buf;
                private long position;

                Slot(ByteBuffer buf) {
                    this.buf = buf;
                }

                void issue() {
                    position = w.nextPosition();
                    buf.clear();
                    submit();
                }

                private void submit() {
                    try {
                        if (w.isWrite()) {
                            ch.write(buf, position + buf.position(), null, this);
                        } else {
                            ch.read(buf, position + buf.position(), null, this);
                        }
                    } catch (RuntimeException e) {
                        failed(e, null);
                    }
                }

                @Override
                public void completed(Integer n, Void unused) {
                    if (n < 0) {
                        failed(new EOFException("EOF at " + (position + buf.position())), null);
                        return;
                    }
                    if (buf.hasRemaining()) {
                        submit();
                        return;
                    }
                    ops.incrementAndGet();
                    if (!w.isWrite() && failure.get() == null && System.nanoTime() < deadline) {
                        issue();
                    } else {
                        slotDone();
                    }
                }

                @Override
                public void failed(Throwable t, Void unused) {
                    failure.compareAndSet(null, t);
                    slotDone();
                }
            }
        }
    }
}

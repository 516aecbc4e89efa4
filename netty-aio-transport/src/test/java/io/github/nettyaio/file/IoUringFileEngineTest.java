/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.github.nettyaio.testing.PageCache;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link IoUringFileEngine} on an io_uring file loop (the loop's own ring) and on an NIO file loop (the shared
 * ring, completions hopping back): transfers, syncs, errors, many operations in flight, cancellation, and
 * the abandonment rules at ring shutdown. Every completion must run on the file's loop.
 */
class IoUringFileEngineTest {
    private static final long TIMEOUT_SECONDS = 10;
    private static final int ECANCELED = 125;
    private static final int EBADF = 9;

    @TempDir
    Path dir;

    private IoEventLoopGroup group;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void requireIoUring() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "Linux only");
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, TIMEOUT_SECONDS, TimeUnit.SECONDS).sync();
        }
    }

    private IoEventLoop loop(String kind) {
        return loop("io_uring".equals(kind) ? IoUringIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private IoEventLoop loop(IoHandlerFactory factory) {
        group = new MultiThreadIoEventLoopGroup(1, factory);
        return group.next();
    }

    private static IoUringFileEngine engine(IoEventLoop loop) throws Exception {
        return engine(loop, "");
    }

    /** For {@code "nio-ring-only"}, an engine whose reads all go to the shared ring (no {@link CachedReads}). */
    private static IoUringFileEngine engine(IoEventLoop loop, String kind) throws Exception {
        boolean cachedReads = !"nio-ring-only".equals(kind);
        return loop.submit(() -> IoUringFileEngine.create(loop, false, cachedReads))
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Starts {@code op} on the loop; the returned promise gets {@code done}'s result (fails if off-loop). */
    private static Promise<Long> start(IoEventLoop loop, Consumer<FileEngine.Completion> op) {
        Promise<Long> p = loop.newPromise();
        loop.execute(() -> op.accept(onLoop(loop, p)));
        return p;
    }

    /** A completion that gives {@code p} the result, or fails it if it runs off {@code loop}. */
    private static FileEngine.Completion onLoop(IoEventLoop loop, Promise<Long> p) {
        return result -> {
            if (loop.inEventLoop()) {
                p.setSuccess(result);
            } else {
                p.setFailure(new AssertionError("done ran on " + Thread.currentThread().getName()));
            }
        };
    }

    private static long run(IoEventLoop loop, Consumer<FileEngine.Completion> op) throws Exception {
        return start(loop, op).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private PosixFileDescriptor open(String name) throws Exception {
        PosixFileDescriptor fd = PosixFiles.open(dir.resolve(name), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        toClose.add(fd);
        return fd;
    }

    /** A pipe, closed after the test; a read of its empty read end stays in flight until data or a cancel. */
    private FileDescriptor[] pipe() throws Exception {
        FileDescriptor[] pipe = FileDescriptor.pipe();
        toClose.add(pipe[0]::close);
        toClose.add(pipe[1]::close);
        return pipe;
    }

    /** Not a sleep: a sync through the loop and the ring, after which what was issued before is surely submitted. */
    private void roundTrip(IoEventLoop loop, IoUringFileEngine engine) throws Exception {
        int other = open("round-trip.bin").intValue();
        assertEquals(0, run(loop, d -> engine.sync(other, false, d)));
    }

    private static ByteBuf directBuffer(int size) {
        ByteBuf b = Unpooled.directBuffer(size);
        assumeTrue(b.hasMemoryAddress(), "needs direct buffers with a memory address");
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio", "nio-ring-only"})
    void writeReadSyncAndErrors(String kind) throws Exception {
        IoEventLoop loop = loop(kind);
        IoUringFileEngine engine = engine(loop, kind);
        assertEquals(AioEngine.IO_URING, engine.kind());
        int fd = open("data.bin").intValue();
        int size = 10_000;
        long offset = 4096;
        ByteBuf src = directBuffer(size);
        ByteBuf dst = directBuffer(size);
        try {
            byte[] bytes = new byte[size];
            ThreadLocalRandom.current().nextBytes(bytes);
            src.writeBytes(bytes);

            assertEquals(size, run(loop, d -> engine.write(fd, src.memoryAddress(), size, offset, d)));
            assertEquals(0, run(loop, d -> engine.sync(fd, false, d)));
            assertEquals(0, run(loop, d -> engine.sync(fd, true, d)));

            assertEquals(size, run(loop, d -> engine.read(fd, dst.memoryAddress(), size, offset, d)));
            dst.writerIndex(size);
            assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));

            // The hole before the data reads as zeros; EOF reads 0 bytes.
            assertEquals(size, run(loop, d -> engine.read(fd, dst.memoryAddress(), size, 0, d)));
            assertEquals(0, dst.getByte(0));
            assertEquals(0, run(loop, d -> engine.read(fd, dst.memoryAddress(), size, offset + size, d)));

            assertEquals(-EBADF, run(loop, d -> engine.read(1 << 20, dst.memoryAddress(), size, 0, d)));
            assertEquals(-EBADF, run(loop, d -> engine.sync(1 << 20, false, d)));
        } finally {
            src.release();
            dst.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Enough operations in flight at once to grow the slot table; each lands at its own offset. */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio", "nio-ring-only"})
    void manyInFlight(String kind) throws Exception {
        IoEventLoop loop = loop(kind);
        IoUringFileEngine engine = engine(loop, kind);
        int fd = open("many.bin").intValue();
        int ops = 300;
        int chunk = 512;
        ByteBuf src = directBuffer(ops * chunk);
        ByteBuf dst = directBuffer(ops * chunk);
        try {
            byte[] bytes = new byte[ops * chunk];
            ThreadLocalRandom.current().nextBytes(bytes);
            src.writeBytes(bytes);

            List<Promise<Long>> writes = startAll(loop, ops, (i, d) ->
                    engine.write(fd, src.memoryAddress() + (long) i * chunk, chunk, (long) i * chunk, d));
            for (Promise<Long> p : writes) {
                assertEquals(chunk, p.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            List<Promise<Long>> reads = startAll(loop, ops, (i, d) ->
                    engine.read(fd, dst.memoryAddress() + (long) i * chunk, chunk, (long) i * chunk, d));
            for (Promise<Long> p : reads) {
                assertEquals(chunk, p.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            dst.writerIndex(ops * chunk);
            assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
        } finally {
            src.release();
            dst.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * More than {@code Short.MAX_VALUE + 1} operations in flight at once (all started from one task of the
     * ring's own loop, so no CQE is processed in between): slots past the short range go through Netty's
     * hashed slow path and must still come back to the right completion.
     */
    @Test
    void beyondTheShortRange() throws Exception {
        int ops = Short.MAX_VALUE + 1 + 2000;
        // A CQ big enough for all of them, so Netty does not warn about CQ overflow (which is harmless).
        IoEventLoop loop = loop(IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setCqSize(1 << 16)));
        IoUringFileEngine engine = engine(loop);
        int fd = open("short.bin").intValue();
        int size = 4096;
        ByteBuf src = directBuffer(size);
        ByteBuf dst = directBuffer(size);
        try {
            byte[] bytes = new byte[size];
            ThreadLocalRandom.current().nextBytes(bytes);
            src.writeBytes(bytes);
            assertEquals(size, run(loop, d -> engine.write(fd, src.memoryAddress(), size, 0, d)));

            List<Promise<Long>> reads = startAll(loop, ops, (i, d) ->
                    engine.read(fd, dst.memoryAddress() + i % size, 1, i % size, d));
            for (Promise<Long> p : reads) {
                assertEquals(1, p.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            dst.writerIndex(size);
            assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
        } finally {
            src.release();
            dst.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private interface IndexedOp {
        void start(int i, FileEngine.Completion done);
    }

    /** Starts {@code n} operations from one loop task, so they are all in flight together. */
    private static List<Promise<Long>> startAll(IoEventLoop loop, int n, IndexedOp op) {
        List<Promise<Long>> promises = promises(loop, n);
        loop.execute(() -> issueAll(loop, promises, op));
        return promises;
    }

    private static List<Promise<Long>> promises(IoEventLoop loop, int n) {
        List<Promise<Long>> promises = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            promises.add(loop.newPromise());
        }
        return promises;
    }

    /** On {@code loop}: starts operation {@code i} reporting to {@code promises.get(i)}, for each of them. */
    private static void issueAll(IoEventLoop loop, List<Promise<Long>> promises, IndexedOp op) {
        for (int i = 0; i < promises.size(); i++) {
            op.start(i, onLoop(loop, promises.get(i)));
        }
    }

    /**
     * A read from an empty pipe stays in flight until cancelled; cancelAll makes it report -ECANCELED (and
     * the cancel's own completion reports nothing). The engine keeps working afterwards.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void cancelAllCancelsAPendingRead(String kind) throws Exception {
        IoEventLoop loop = loop(kind);
        IoUringFileEngine engine = engine(loop);
        FileDescriptor[] pipe = pipe();
        ByteBuf buf = directBuffer(64);
        try {
            Promise<Long> first = start(loop, d -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, d));
            Promise<Long> second = start(loop, d -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, d));
            roundTrip(loop, engine);
            assertTrue(!first.isDone() && !second.isDone(), "pipe reads completed early");

            loop.execute(engine::cancelAll);
            assertEquals(-ECANCELED, first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertEquals(-ECANCELED, second.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));

            int fd = open("after.bin").intValue();
            assertEquals(64, run(loop, d -> engine.write(fd, buf.memoryAddress(), 64, 0, d)));
        } finally {
            buf.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * {@code handle()} never throws, whatever Netty hands it: no event, an event of another transport, a CQE whose
     * user data names no operation (free, negative, beyond the slot table, beyond a {@code short}), or an
     * ASYNC_CANCEL's own CQE. None of them completes the read in flight, which later completes with its data.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void handleNeverThrowsAndIgnoresStrayCompletions(String kind) throws Exception {
        IoEventLoop loop = loop(kind);
        IoUringFileEngine engine = engine(loop);
        FileDescriptor[] pipe = pipe();
        ByteBuf buf = directBuffer(64);
        try {
            Promise<Long> pending = start(loop, d -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, d));
            roundTrip(loop, engine);
            assertTrue(!pending.isDone(), "pipe read completed early");

            byte read = IoUringFileEngine.IORING_OP_READ;
            byte asyncCancel = IoUringFileEngine.IORING_OP_ASYNC_CANCEL;
            IoEvent[] strays = {
                null,
                new IoEvent() { },
                new IoUringIoEvent(64, 0, read, (short) 1),          // slot 1: free (the read holds slot 0)
                new IoUringIoEvent(64, 0, read, (short) 15),         // free, last of the table
                new IoUringIoEvent(64, 0, read, (short) -1),
                new IoUringIoEvent(64, 0, read, (short) 4000),       // beyond the slot table
                new IoUringIoEvent(64, 0, read, 1L << 40),           // beyond a short and an int
                new IoUringIoEvent(64, 0, read, -5L),
                new IoUringIoEvent(-ECANCELED, 0, asyncCancel, (short) 0),
            };
            IoUringIoHandle handle = engine.ringLoop().submit(engine::ringHandle).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            engine.ringLoop().submit(() -> {
                for (IoEvent stray : strays) {
                    handle.handle(null, stray);
                }
            }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            roundTrip(loop, engine);   // had a stray completed the read, it would be done now
            assertTrue(!pending.isDone(), "a stray completion completed the read in flight: " + pending);

            byte[] data = new byte[64];
            ThreadLocalRandom.current().nextBytes(data);
            ByteBuf src = directBuffer(64).writeBytes(data);
            try {
                assertEquals(64, pipe[1].writeAddress(src.memoryAddress(), 0, 64));
            } finally {
                src.release();
            }
            assertEquals(64, pending.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertArrayEquals(data, ByteBufUtil.getBytes(buf, 0, 64));
        } finally {
            buf.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Pacing (an O_DIRECT file's engine: {@link IoUringFileEngine#DIRECT_SUBMIT_CHUNK} submissions per loop
     * iteration): ten reads of an empty pipe issued in one task reach the kernel a chunk at a time, the rest held
     * back in order; a sync issued after them completes only once they were all submitted, and they are then all
     * in the kernel, waiting for data. Ten more, cancelled in the task that issues them, all report -ECANCELED:
     * those the kernel saw through ASYNC_CANCEL, the held-back ones at once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void pacingHoldsBackInOrderAndCancels(String kind) throws Exception {
        assumeTrue(System.getProperty(IoUringFileEngine.SUBMIT_CHUNK_PROPERTY) == null, "pacing forced by property");
        IoEventLoop loop = loop(kind);
        IoUringFileEngine engine = loop.submit(() -> IoUringFileEngine.create(loop, true))
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        int chunk = IoUringFileEngine.DIRECT_SUBMIT_CHUNK;
        int n = 10;
        FileDescriptor[] pipe = pipe();
        int other = open("x").intValue();
        ByteBuf buf = directBuffer(2 * n);
        try {
            List<Promise<Long>> reads = promises(loop, n);
            int heldBack = loop.submit(() -> {
                issueAll(loop, reads, (i, d) -> engine.read(pipe[0].intValue(), buf.memoryAddress() + i, 1, 0, d));
                // On the loop's own ring, read in the issuing task itself (no drain can run in between): all but
                // the first chunk are held back. (On a shared ring they are the ring thread's.)
                return "io_uring".equals(kind) ? engine.heldBack() : -1;
            }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if ("io_uring".equals(kind)) {
                assertEquals(n - chunk, heldBack);
            }
            assertEquals(0, run(loop, d -> engine.sync(other, false, d)));
            for (Promise<Long> p : reads) {
                assertTrue(!p.isDone(), "a read of an empty pipe completed");
            }
            if ("io_uring".equals(kind)) {
                assertEquals(0, loop.submit(engine::heldBack).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            byte[] data = new byte[n];
            ThreadLocalRandom.current().nextBytes(data);
            ByteBuf src = directBuffer(n).writeBytes(data);
            try {
                assertEquals(n, pipe[1].writeAddress(src.memoryAddress(), 0, n));
            } finally {
                src.release();
            }
            for (Promise<Long> p : reads) {
                assertEquals(1, p.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            byte[] got = new byte[n];
            buf.getBytes(0, got);
            Arrays.sort(data);
            Arrays.sort(got);              // each read took one byte; which one is the kernel's choice
            assertArrayEquals(data, got);

            List<Promise<Long>> cancelled = promises(loop, n);
            loop.execute(() -> {
                issueAll(loop, cancelled, (i, d) ->
                        engine.read(pipe[0].intValue(), buf.memoryAddress() + n + i, 1, 0, d));
                engine.cancelAll();
            });
            for (Promise<Long> p : cancelled) {
                assertEquals(-ECANCELED, p.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
        } finally {
            buf.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Shutting down an io_uring file loop with a read in flight: Netty closes the handle, which cancels the
     * read, and its -ECANCELED is reported on the loop during the shutdown drain.
     */
    @Test
    void ringShutdownCancelsInFlight() throws Exception {
        IoEventLoop loop = loop("io_uring");
        IoUringFileEngine engine = engine(loop);
        FileDescriptor[] pipe = pipe();
        ByteBuf buf = directBuffer(64);
        try {
            Promise<Long> pending = start(loop, d -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, d));
            int other = open("x").intValue();
            assertEquals(0, run(loop, d -> engine.sync(other, false, d)));
            assertTrue(!pending.isDone(), "pipe read completed early");

            // The promise's executor is the dying loop: wait on the termination, then read its result.
            group.shutdownGracefully(0, TIMEOUT_SECONDS, TimeUnit.SECONDS).sync();
            assertTrue(pending.isDone(), "the cancelled read never reported");
            assertEquals(-ECANCELED, pending.getNow());
        } finally {
            buf.release();
        }
    }

    /** A completion that reports to {@code first} and then {@code second}. */
    private static FileEngine.Completion both(FileEngine.Completion first, FileEngine.Completion second) {
        return r -> {
            first.complete(r);
            second.complete(r);
        };
    }

    /** Issues {@code op} in one task of {@code loop}: its result if {@code done} ran within the call, else null. */
    private static Long resultWithinTheCall(IoEventLoop loop, Consumer<FileEngine.Completion> op) throws Exception {
        return loop.submit(() -> {
            Long[] r = {null};
            op.accept(result -> r[0] = result);
            return r[0];
        }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * A buffered file on a shared ring (NIO loop): a read the page cache can serve is done on the file's loop and
     * reported within the call, EOF included; while a write of the file is on the ring, a read waits its turn there
     * instead of overtaking it, and once that is done reads are served at once again.
     */
    @Test
    void cachedReadsOnASharedRingCompleteWithinTheCall() throws Exception {
        assumeTrue(CachedReads.enabled(), "cached reads are off (not Linux/glibc, no preadv2, or turned off)");
        assumeTrue(!"tmpfs".equals(java.nio.file.Files.getFileStore(dir).type()),
                "the temp dir is on tmpfs, which has no non-blocking buffered reads");
        IoEventLoop loop = loop("nio");
        IoUringFileEngine engine = engine(loop);
        int fd = open("cached.bin").intValue();
        int size = 3 * 4096 + 5;
        ByteBuf src = directBuffer(size);
        ByteBuf dst = directBuffer(size);
        try {
            byte[] bytes = new byte[size];
            ThreadLocalRandom.current().nextBytes(bytes);
            src.writeBytes(bytes);
            assertEquals(size, run(loop, d -> engine.write(fd, src.memoryAddress(), size, 0, d)));

            assertEquals(size, resultWithinTheCall(loop, d -> engine.read(fd, dst.memoryAddress(), size, 0, d)),
                    "a page-cache read is reported within the call");
            dst.writerIndex(size);
            assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
            assertEquals(0L, resultWithinTheCall(loop, d -> engine.read(fd, dst.memoryAddress(), size, size, d)),
                    "EOF within the call");

            // A write on the ring, then a read of the same bytes in the same task: the read goes behind it.
            byte[] second = new byte[size];
            ThreadLocalRandom.current().nextBytes(second);
            src.setBytes(0, second);
            Promise<Long> written = loop.newPromise();
            Promise<Long> read = loop.newPromise();
            assertEquals(null, resultWithinTheCall(loop, d -> {
                engine.write(fd, src.memoryAddress(), size, 0, onLoop(loop, written));
                // d runs within the call only if the read overtook the write
                engine.read(fd, dst.memoryAddress(), size, 0, both(d, onLoop(loop, read)));
            }), "a read issued behind a write of its file is not done on the loop");
            assertEquals(size, written.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertEquals(size, read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));

            // Nothing on the ring any more: at once again, and the second write's bytes are there.
            dst.clear();
            assertEquals(size, resultWithinTheCall(loop, d -> engine.read(fd, dst.memoryAddress(), size, 0, d)));
            dst.writerIndex(size);
            assertArrayEquals(second, ByteBufUtil.getBytes(dst));
        } finally {
            src.release();
            dst.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * A shared ring registers a file's handle only with the first operation handed over: a file whose reads are
     * all page-cache hits never wakes the ring thread, and the first operation that does need the ring (a sync)
     * registers it and completes.
     */
    @Test
    void aSharedRingRegistersWithTheFirstHandOver() throws Exception {
        assumeTrue(CachedReads.enabled(), "cached reads are off (not Linux/glibc, no preadv2, or turned off)");
        assumeTrue(!"tmpfs".equals(java.nio.file.Files.getFileStore(dir).type()),
                "the temp dir is on tmpfs, which has no non-blocking buffered reads");
        byte[] bytes = new byte[4096];
        ThreadLocalRandom.current().nextBytes(bytes);
        Path p = java.nio.file.Files.write(dir.resolve("hot.bin"), bytes);
        PosixFileDescriptor file = PosixFiles.open(p, StandardOpenOption.READ);
        toClose.add(file);
        IoEventLoop loop = loop("nio");
        IoUringFileEngine engine = engine(loop);
        ByteBuf dst = directBuffer(bytes.length);
        try {
            assertEquals((long) bytes.length, resultWithinTheCall(loop, d -> engine.read(file.intValue(),
                    dst.memoryAddress(), bytes.length, 0, d)));
            assertTrue(!engine.registeredOnRing(), "registered although nothing went to the ring");
            assertEquals(0, run(loop, d -> engine.sync(file.intValue(), true, d)));
            assertTrue(engine.registeredOnRing(), "the sync went to the ring without a registration");
        } finally {
            dst.release();
        }
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * tmpfs has no non-blocking buffered reads ({@code EOPNOTSUPP}): its reads all go to the shared ring and
     * still read the right bytes. Skipped where {@code /dev/shm} is not a tmpfs directory.
     */
    @Test
    void tmpfsReadsGoToTheRing() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm), "no /dev/shm");
        Path p = java.nio.file.Files.createTempFile(shm, "nettyaio-cached", ".bin");
        toClose.add(() -> java.nio.file.Files.deleteIfExists(p));
        assumeTrue("tmpfs".equals(java.nio.file.Files.getFileStore(p).type()), "/dev/shm is not a tmpfs");
        byte[] bytes = new byte[8192];
        ThreadLocalRandom.current().nextBytes(bytes);
        java.nio.file.Files.write(p, bytes);
        assumeTrue(readsFromTheRing(p, bytes, 2), "this kernel reads tmpfs without waiting (RWF_NOWAIT supported)");
    }

    /**
     * Reads all of {@code file} ({@code bytes}) up to {@code times} times from an NIO loop (a shared ring), on an
     * engine of its own, checking that every read brought {@code bytes}. Returns false at once if the first read
     * was done within the call (what that means is the caller's to say); every later read must have gone to the
     * ring, not done within the call.
     */
    private boolean readsFromTheRing(Path path, byte[] bytes, int times) throws Exception {
        PosixFileDescriptor file = PosixFiles.open(path, StandardOpenOption.READ);
        toClose.add(file);
        IoEventLoop loop = loop("nio");
        IoUringFileEngine engine = engine(loop);
        ByteBuf dst = directBuffer(bytes.length);
        try {
            for (int i = 0; i < times; i++) {
                Promise<Long> read = loop.newPromise();
                Long within = resultWithinTheCall(loop, d -> engine.read(file.intValue(), dst.memoryAddress(),
                        bytes.length, 0, both(d, onLoop(loop, read))));
                assertEquals(bytes.length, read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                dst.writerIndex(bytes.length);
                assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
                dst.clear();
                if (i == 0 && within != null) {
                    return false;
                }
                assertEquals(null, within, "read " + i + " went to the ring");
            }
            return true;
        } finally {
            dst.release();
            loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * Data not in the page cache is never waited for on the file's loop: the read goes to the ring and brings the
     * right bytes.
     */
    @Test
    void uncachedReadsGoToTheRing() throws Exception {
        Path p = dir.resolve("cold.bin");
        byte[] bytes = new byte[64 * 1024];
        ThreadLocalRandom.current().nextBytes(bytes);
        java.nio.file.Files.write(p, bytes);
        assumeTrue(!"tmpfs".equals(java.nio.file.Files.getFileStore(p).type()), "the temp dir is on tmpfs");
        // RWF_NOWAIT on evicted pages starts reading them before it fails with EAGAIN, and a fast virtual disk can
        // finish that read before the call returns (measured here in 1 to 25% of tries, varying with the host),
        // which then rightly serves it at once. So evict and read again, up to 20 times: a read that waited for
        // the disk would be done within the call every time. (A cgroup blkio read throttle on the loop's thread
        // did not make it deterministic: 5 to 10 of 40 reads still completed within the call.)
        for (int attempt = 1; ; attempt++) {
            assumeTrue(PageCache.evict(p), "the kernel kept the file's first page in the page cache");
            if (readsFromTheRing(p, bytes, 1)) {
                return;
            }
            assertTrue(attempt < 20, "20 reads of just-evicted pages were all done within the call");
        }
    }
}

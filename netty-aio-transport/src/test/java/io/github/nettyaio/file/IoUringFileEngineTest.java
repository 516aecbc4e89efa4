/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.LinuxLib;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.StructLayout;
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

import java.io.IOException;
import java.nio.file.Files;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link IoUringFileEngine} on an io_uring file loop (the loop's own ring) and on an NIO file loop (the shared
 * ring, completions hopping back): transfers, syncs, errors, many operations in flight, pacing, cancellation,
 * cached reads, and operations in flight at ring shutdown. Every completion must run on the file's loop.
 */
class IoUringFileEngineTest {
    private static final long TIMEOUT_SECONDS = 10;
    private static final int ECANCELED = Errno.LINUX_ECANCELED;
    private static final int EBADF = Errno.EBADF;

    @TempDir
    Path dir;

    /** The group of the loop made last; {@link #groups} holds every one, shut down after the test. */
    private IoEventLoopGroup group;
    private final List<IoEventLoopGroup> groups = new ArrayList<>();
    private final List<ByteBuf> buffers = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void requireIoUring() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "Linux only");
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ByteBuf buffer : buffers) {
            buffer.release();
        }
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        for (IoEventLoopGroup loopGroup : groups) {
            loopGroup.shutdownGracefully(0, TIMEOUT_SECONDS, TimeUnit.SECONDS).sync();
        }
    }

    private IoEventLoop loop(String kind) {
        return loop("io_uring".equals(kind) ? IoUringIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    private IoEventLoop loop(IoHandlerFactory factory) {
        group = new MultiThreadIoEventLoopGroup(1, factory);
        groups.add(group);
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
        Promise<Long> promise = loop.newPromise();
        loop.execute(() -> op.accept(onLoop(loop, promise)));
        return promise;
    }

    /** A completion that gives {@code promise} the result, or fails it if it runs off {@code loop}. */
    private static FileEngine.Completion onLoop(IoEventLoop loop, Promise<Long> promise) {
        return result -> {
            if (loop.inEventLoop()) {
                promise.setSuccess(result);
            } else {
                promise.setFailure(new AssertionError("done ran on " + Thread.currentThread().getName()));
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
        assertEquals(0, run(loop, done -> engine.sync(other, false, done)));
    }

    /** A direct buffer with a memory address, released after the test. */
    private ByteBuf directBuffer(int size) {
        ByteBuf buffer = Unpooled.directBuffer(size);
        buffers.add(buffer);
        assumeTrue(buffer.hasMemoryAddress(), "needs direct buffers with a memory address");
        return buffer;
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code data} into the pipe's write end, which wakes reads of the read end. */
    private void writeToPipe(FileDescriptor[] pipe, byte[] data) throws IOException {
        ByteBuf src = directBuffer(data.length).writeBytes(data);
        assertEquals(data.length, pipe[1].writeAddress(src.memoryAddress(), 0, data.length));
    }

    private static void closeOnLoop(IoEventLoop loop, IoUringFileEngine engine) throws Exception {
        loop.submit(engine::close).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Cached reads are on, and the temp dir is on a file system that has them (tmpfs has not). */
    private void assumeCachedReadsInTheTempDir() throws IOException {
        assumeTrue(CachedReads.enabled(), "cached reads are off (not Linux/glibc, no preadv2, or turned off)");
        assumeTrue(!"tmpfs".equals(Files.getFileStore(dir).type()),
                "the temp dir is on tmpfs, which has no non-blocking buffered reads");
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
        byte[] bytes = randomBytes(size);
        ByteBuf src = directBuffer(size).writeBytes(bytes);
        ByteBuf dst = directBuffer(size);

        assertEquals(size, run(loop, done -> engine.write(fd, src.memoryAddress(), size, offset, done)));
        assertEquals(0, run(loop, done -> engine.sync(fd, false, done)));
        assertEquals(0, run(loop, done -> engine.sync(fd, true, done)));

        assertEquals(size, run(loop, done -> engine.read(fd, dst.memoryAddress(), size, offset, done)));
        dst.writerIndex(size);
        assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));

        // The hole before the data reads as zeros; EOF reads 0 bytes.
        assertEquals(size, run(loop, done -> engine.read(fd, dst.memoryAddress(), size, 0, done)));
        assertEquals(0, dst.getByte(0));
        assertEquals(0, run(loop, done -> engine.read(fd, dst.memoryAddress(), size, offset + size, done)));

        assertEquals(-EBADF, run(loop, done -> engine.read(1 << 20, dst.memoryAddress(), size, 0, done)));
        assertEquals(-EBADF, run(loop, done -> engine.sync(1 << 20, false, done)));
        closeOnLoop(loop, engine);
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
        byte[] bytes = randomBytes(ops * chunk);
        ByteBuf src = directBuffer(ops * chunk).writeBytes(bytes);
        ByteBuf dst = directBuffer(ops * chunk);

        awaitAll(chunk, startAll(loop, ops, (i, done) ->
                engine.write(fd, src.memoryAddress() + (long) i * chunk, chunk, (long) i * chunk, done)));
        awaitAll(chunk, startAll(loop, ops, (i, done) ->
                engine.read(fd, dst.memoryAddress() + (long) i * chunk, chunk, (long) i * chunk, done)));
        dst.writerIndex(ops * chunk);
        assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
        closeOnLoop(loop, engine);
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
        byte[] bytes = randomBytes(size);
        ByteBuf src = directBuffer(size).writeBytes(bytes);
        ByteBuf dst = directBuffer(size);
        assertEquals(size, run(loop, done -> engine.write(fd, src.memoryAddress(), size, 0, done)));

        awaitAll(1, startAll(loop, ops, (i, done) ->
                engine.read(fd, dst.memoryAddress() + i % size, 1, i % size, done)));
        dst.writerIndex(size);
        assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
        closeOnLoop(loop, engine);
    }

    private interface IndexedOp {
        void start(int i, FileEngine.Completion done);
    }

    /** Starts {@code count} operations from one loop task, so they are all in flight together. */
    private static List<Promise<Long>> startAll(IoEventLoop loop, int count, IndexedOp op) {
        List<Promise<Long>> promises = promises(loop, count);
        loop.execute(() -> issueAll(loop, promises, op));
        return promises;
    }

    /** Waits for each of {@code promises}, which must all report {@code expected}. */
    private static void awaitAll(long expected, List<Promise<Long>> promises) throws Exception {
        for (Promise<Long> promise : promises) {
            assertEquals(expected, promise.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static List<Promise<Long>> promises(IoEventLoop loop, int count) {
        List<Promise<Long>> promises = new ArrayList<>();
        for (int i = 0; i < count; i++) {
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
        Promise<Long> first = start(loop, done -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, done));
        Promise<Long> second = start(loop, done -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, done));
        roundTrip(loop, engine);
        assertTrue(!first.isDone() && !second.isDone(), "pipe reads completed early");

        loop.execute(engine::cancelAll);
        assertEquals(-ECANCELED, first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(-ECANCELED, second.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));

        int fd = open("after.bin").intValue();
        assertEquals(64, run(loop, done -> engine.write(fd, buf.memoryAddress(), 64, 0, done)));
        closeOnLoop(loop, engine);
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
        Promise<Long> pending = start(loop, done -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, done));
        roundTrip(loop, engine);
        assertTrue(!pending.isDone(), "pipe read completed early");

        byte read = IoUringOps.IORING_OP_READ;
        byte asyncCancel = IoUringOps.IORING_OP_ASYNC_CANCEL;
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

        byte[] data = randomBytes(64);
        writeToPipe(pipe, data);
        assertEquals(64, pending.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertArrayEquals(data, ByteBufUtil.getBytes(buf, 0, 64));
        closeOnLoop(loop, engine);
    }

    /**
     * Pacing (an O_DIRECT file's engine: {@link IoUringSubmissionPacer#O_DIRECT_CHUNK} submissions per loop
     * iteration): ten reads of an empty pipe issued in one task reach the kernel a chunk at a time, the rest held
     * back in order; a sync issued after them completes only once they were all submitted, and they are then all
     * in the kernel, waiting for data. Ten more, cancelled in the task that issues them, all report -ECANCELED:
     * those the kernel saw through ASYNC_CANCEL, the held-back ones at once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "nio"})
    void pacingHoldsBackInOrderAndCancels(String kind) throws Exception {
        assumeTrue(System.getProperty(IoUringSubmissionPacer.SUBMIT_CHUNK_PROPERTY) == null,
                "pacing forced by property");
        IoEventLoop loop = loop(kind);
        IoUringFileEngine engine = loop.submit(() -> IoUringFileEngine.create(loop, true))
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        boolean ownRing = "io_uring".equals(kind);
        int chunk = IoUringSubmissionPacer.O_DIRECT_CHUNK;
        int count = 10;
        FileDescriptor[] pipe = pipe();
        ByteBuf buf = directBuffer(2 * count);
        List<Promise<Long>> reads = promises(loop, count);
        int heldBack = loop.submit(() -> {
            issueAll(loop, reads, (i, done) -> engine.read(pipe[0].intValue(), buf.memoryAddress() + i, 1, 0, done));
            // On the loop's own ring, read in the issuing task itself (no drain can run in between): all but
            // the first chunk are held back. (On a shared ring they are the ring thread's.)
            return ownRing ? engine.heldBack() : -1;
        }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (ownRing) {
            assertEquals(count - chunk, heldBack);
        }
        roundTrip(loop, engine);
        for (Promise<Long> promise : reads) {
            assertTrue(!promise.isDone(), "a read of an empty pipe completed");
        }
        if (ownRing) {
            assertEquals(0, loop.submit(engine::heldBack).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        byte[] data = randomBytes(count);
        writeToPipe(pipe, data);
        awaitAll(1, reads);
        byte[] got = new byte[count];
        buf.getBytes(0, got);
        Arrays.sort(data);
        Arrays.sort(got);              // each read took one byte; which one is the kernel's choice
        assertArrayEquals(data, got);

        List<Promise<Long>> cancelled = promises(loop, count);
        loop.execute(() -> {
            issueAll(loop, cancelled, (i, done) ->
                    engine.read(pipe[0].intValue(), buf.memoryAddress() + count + i, 1, 0, done));
            engine.cancelAll();
        });
        awaitAll(-ECANCELED, cancelled);
        closeOnLoop(loop, engine);
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
        Promise<Long> pending = start(loop, done -> engine.read(pipe[0].intValue(), buf.memoryAddress(), 64, 0, done));
        roundTrip(loop, engine);
        assertTrue(!pending.isDone(), "pipe read completed early");

        // The promise's executor is the dying loop: wait on the termination, then read its result.
        group.shutdownGracefully(0, TIMEOUT_SECONDS, TimeUnit.SECONDS).sync();
        assertTrue(pending.isDone(), "the cancelled read never reported");
        assertEquals(-ECANCELED, pending.getNow());
    }

    /** A completion that reports to {@code first} and then {@code second}. */
    private static FileEngine.Completion both(FileEngine.Completion first, FileEngine.Completion second) {
        return result -> {
            first.complete(result);
            second.complete(result);
        };
    }

    /** Issues {@code op} in one task of {@code loop}: its result if {@code done} ran within the call, else null. */
    private static Long resultWithinTheCall(IoEventLoop loop, Consumer<FileEngine.Completion> op) throws Exception {
        return loop.submit(() -> {
            Long[] within = {null};
            op.accept(result -> within[0] = result);
            return within[0];
        }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * A buffered file on a shared ring (NIO loop): a read the page cache can serve is done on the file's loop and
     * reported within the call, EOF included; while a write of the file is on the ring, a read waits its turn there
     * instead of overtaking it, and once that is done reads are served at once again.
     */
    @Test
    void cachedReadsOnASharedRingCompleteWithinTheCall() throws Exception {
        assumeCachedReadsInTheTempDir();
        IoEventLoop loop = loop("nio");
        IoUringFileEngine engine = engine(loop);
        int fd = open("cached.bin").intValue();
        int size = 3 * 4096 + 5;
        byte[] bytes = randomBytes(size);
        ByteBuf src = directBuffer(size).writeBytes(bytes);
        ByteBuf dst = directBuffer(size);
        assertEquals(size, run(loop, done -> engine.write(fd, src.memoryAddress(), size, 0, done)));

        assertEquals(size, resultWithinTheCall(loop, done -> engine.read(fd, dst.memoryAddress(), size, 0, done)),
                "a page-cache read is reported within the call");
        dst.writerIndex(size);
        assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
        assertEquals(0L, resultWithinTheCall(loop, done -> engine.read(fd, dst.memoryAddress(), size, size, done)),
                "EOF within the call");

        // A write on the ring, then a read of the same bytes in the same task: the read goes behind it.
        byte[] second = randomBytes(size);
        src.setBytes(0, second);
        Promise<Long> written = loop.newPromise();
        Promise<Long> read = loop.newPromise();
        assertEquals(null, resultWithinTheCall(loop, done -> {
            engine.write(fd, src.memoryAddress(), size, 0, onLoop(loop, written));
            // done runs within the call only if the read overtook the write
            engine.read(fd, dst.memoryAddress(), size, 0, both(done, onLoop(loop, read)));
        }), "a read issued behind a write of its file is not done on the loop");
        assertEquals(size, written.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(size, read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));

        // Nothing on the ring any more: at once again, and the second write's bytes are there.
        dst.clear();
        assertEquals(size, resultWithinTheCall(loop, done -> engine.read(fd, dst.memoryAddress(), size, 0, done)));
        dst.writerIndex(size);
        assertArrayEquals(second, ByteBufUtil.getBytes(dst));
        closeOnLoop(loop, engine);
    }

    /**
     * A shared ring registers a file's handle only with the first operation handed over: a file whose reads are
     * all page-cache hits never wakes the ring thread, and the first operation that does need the ring (a sync)
     * registers it and completes.
     */
    @Test
    void aSharedRingRegistersWithTheFirstHandOver() throws Exception {
        assumeCachedReadsInTheTempDir();
        byte[] bytes = randomBytes(4096);
        Path path = Files.write(dir.resolve("hot.bin"), bytes);
        PosixFileDescriptor file = PosixFiles.open(path, StandardOpenOption.READ);
        toClose.add(file);
        IoEventLoop loop = loop("nio");
        IoUringFileEngine engine = engine(loop);
        ByteBuf dst = directBuffer(bytes.length);
        assertEquals((long) bytes.length, resultWithinTheCall(loop, done -> engine.read(file.intValue(),
                dst.memoryAddress(), bytes.length, 0, done)));
        assertTrue(!engine.registeredOnRing(), "registered although nothing went to the ring");
        assertEquals(0, run(loop, done -> engine.sync(file.intValue(), true, done)));
        assertTrue(engine.registeredOnRing(), "the sync went to the ring without a registration");
        closeOnLoop(loop, engine);
    }

    /**
     * tmpfs has no non-blocking buffered reads ({@code EOPNOTSUPP}): its reads all go to the shared ring and
     * still read the right bytes. Skipped where {@code /dev/shm} is not a tmpfs directory, or where this kernel's
     * tmpfs does take {@code RWF_NOWAIT} reads.
     */
    @Test
    void tmpfsReadsGoToTheRing() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm");
        Path path = Files.createTempFile(shm, "nettyaio-cached", ".bin");
        toClose.add(() -> Files.deleteIfExists(path));
        assumeTrue("tmpfs".equals(Files.getFileStore(path).type()), "/dev/shm is not a tmpfs");
        byte[] bytes = randomBytes(8192);
        Files.write(path, bytes);
        assumeTrue(refusesNonBlockingReads(path), "this kernel reads tmpfs without waiting (RWF_NOWAIT supported)");
        boolean[] withinTheCall = readsWithinTheCall(path, bytes, 2);
        assertFalse(withinTheCall[0], "the first tmpfs read was done on the loop, not on the ring");
        assertFalse(withinTheCall[1], "the second tmpfs read was done on the loop, not on the ring");
    }

    /** Whether {@code preadv2(RWF_NOWAIT)} of {@code path}'s first byte fails with {@code EOPNOTSUPP}. */
    private static boolean refusesNonBlockingReads(Path path) throws IOException {
        StructLayout iovec = Platform.abi().iovec();
        long byteAddress = NativeMemory.allocateZeroed(1);
        long iov = NativeMemory.allocateZeroed(iovec.size());
        try (PosixFileDescriptor file = PosixFiles.open(path, StandardOpenOption.READ)) {
            NativeMemory.putField(iov, iovec.field("iov_base"), byteAddress);
            NativeMemory.putField(iov, iovec.field("iov_len"), 1);
            return LinuxLib.Preadv2.preadv2(file.intValue(), iov, 1, 0, LinuxLib.Preadv2.RWF_NOWAIT) == -1
                    && LibC.errno() == Platform.abi().constants().EOPNOTSUPP;
        } finally {
            NativeMemory.free(iov);
            NativeMemory.free(byteAddress);
        }
    }

    /**
     * Reads all of {@code path} ({@code bytes}) {@code times} times from an NIO loop (a shared ring), on an engine
     * of its own, checking that every read brought {@code bytes}. Returns, per read, whether it was done within the
     * call (on the loop) rather than on the ring.
     */
    private boolean[] readsWithinTheCall(Path path, byte[] bytes, int times) throws Exception {
        PosixFileDescriptor file = PosixFiles.open(path, StandardOpenOption.READ);
        toClose.add(file);
        IoEventLoop loop = loop("nio");
        IoUringFileEngine engine = engine(loop);
        ByteBuf dst = directBuffer(bytes.length);
        boolean[] withinTheCall = new boolean[times];
        try {
            for (int i = 0; i < times; i++) {
                Promise<Long> read = loop.newPromise();
                Long within = resultWithinTheCall(loop, done -> engine.read(file.intValue(), dst.memoryAddress(),
                        bytes.length, 0, both(done, onLoop(loop, read))));
                assertEquals(bytes.length, read.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                dst.writerIndex(bytes.length);
                assertArrayEquals(bytes, ByteBufUtil.getBytes(dst));
                dst.clear();
                withinTheCall[i] = within != null;
            }
            return withinTheCall;
        } finally {
            closeOnLoop(loop, engine);
        }
    }

    /**
     * Data not in the page cache is never waited for on the file's loop: the read goes to the ring and brings the
     * right bytes.
     */
    @Test
    void uncachedReadsGoToTheRing() throws Exception {
        Path path = dir.resolve("cold.bin");
        byte[] bytes = randomBytes(64 * 1024);
        Files.write(path, bytes);
        assumeTrue(!"tmpfs".equals(Files.getFileStore(path).type()), "the temp dir is on tmpfs");
        // RWF_NOWAIT on evicted pages starts reading them before it fails with EAGAIN, and a fast virtual disk can
        // finish that read before the call returns, which then rightly serves it at once. So evict and read
        // again, up to 20 times: a read that waited for the disk would be done within the call every time.
        for (int attempt = 1; ; attempt++) {
            assumeTrue(PageCache.evict(path), "the kernel kept the file's first page in the page cache");
            if (!readsWithinTheCall(path, bytes, 1)[0]) {
                return;
            }
            assertTrue(attempt < 20, "20 reads of just-evicted pages were all done within the call");
        }
    }
}

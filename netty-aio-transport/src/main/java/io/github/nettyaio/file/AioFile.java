/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.StagedBuffers;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;

// Over 400 lines: the code is a facade of about 150 lines; the rest documents ten open/openAsync overloads.
/**
 * A file for positional asynchronous I/O whose futures complete on one Netty event loop, like tokio-file's
 * {@code File}: the engine chosen at {@link #open} ({@link AioEngine}) does the I/O.
 *
 * <pre>{@code
 * AioFile.openAsync(channel, path, StandardOpenOption.READ).addListener((Future<AioFile> opened) -> {
 *     AioFile file = opened.getNow();                 // null if opened.cause() != null
 *     file.read(buf, 0).addListener(f -> {            // runs on channel.eventLoop()
 *         if (f.isSuccess()) { int n = (Integer) f.getNow(); ... }
 *     });
 * });
 * }</pre>
 *
 * <p>Every method may be called from any thread; futures complete <b>on the file's loop</b>, possibly before the
 * method returns when called there. Buffers are not taken over: the library retains each while the kernel may
 * touch it, stages heap buffers through direct memory, and moves indices only on success. Argument errors fail
 * with {@link IllegalArgumentException} or {@link io.netty.util.IllegalReferenceCountException} before any I/O;
 * I/O errors with an {@link IOException} naming the call, path and errno, e.g.
 * {@code pread(data.bin): EBADF (Bad file descriptor)}, after {@code EINTR} and {@code EAGAIN} were retried
 * (200 refusals in a row, about 2 s of back-off, fail with the last one); under {@code O_DIRECT} an {@code EINVAL}
 * for a misaligned request names the alignment the file system asks for. After {@link #close()}, operations fail
 * with {@link ClosedChannelException}; when the loop shuts down with operations in flight, they fail with an
 * {@link IOException} and their buffers stay pinned rather than be freed under the kernel.
 * {@code Future.cancel()} works until the operation reaches the kernel.
 *
 * <p>It is critical to open a file from an event loop with {@link #openAsync}: {@link #open}'s {@code open(2)}
 * may wait for the disk.
 */
public final class AioFile implements Closeable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFile.class);

    private final EventLoop loop;
    private final PosixFileDescriptor fd;
    private final FileEngine engine;
    private final FileErrors errors;
    /** {@link AlignedBuffers#DIRECT_ALIGNMENT} for an {@code O_DIRECT} file, else 1. */
    private final int stagingAlignment;
    private final OutstandingOperations outstanding;
    private final OperationSteps steps;

    AioFile(EventLoop loop, PosixFileDescriptor fd, FileEngine engine) {
        this.loop = loop;
        this.fd = fd;
        this.engine = engine;
        boolean oDirect = fd.isDirect();
        this.stagingAlignment = oDirect ? AlignedBuffers.DIRECT_ALIGNMENT : 1;
        this.errors = new FileErrors(fd.target(), oDirect, oDirect ? PosixFiles.directIoAlignment(fd) : 0);
        this.outstanding = new OutstandingOperations(loop, errors, this::releaseResources);
        this.steps = new OperationSteps(engine, fd.intValue(), errors, outstanding, stagingAlignment);
        engine.whenAbandoned(() -> outstanding.failClose(errors.abandonedInFlight(engine.kind())));
    }

    /** For engine tests: an {@code AioFile} over {@code fd} doing its I/O through {@code engine}. */
    static AioFile withEngine(EventLoop loop, PosixFileDescriptor fd, FileEngine engine) {
        return new AioFile(loop, fd, engine);
    }

    /**
     * Opens {@code path} for I/O on {@code loop} with the engine {@link AioEngine#AUTO} picks.
     *
     * @see #open(EventLoop, Path, AioEngine, OpenOption...)
     */
    public static AioFile open(IoEventLoop loop, Path path, OpenOption... options) throws IOException {
        return open((EventLoop) loop, path, AioEngine.AUTO, options);
    }

    /**
     * Opens {@code path} for I/O on {@code loop}, any {@link EventLoop}, with the engine {@link AioEngine#AUTO}
     * picks ({@link AioEngine#BLOCKING} on a loop that is not an {@link IoEventLoop}).
     *
     * @see #open(EventLoop, Path, AioEngine, OpenOption...)
     */
    public static AioFile open(EventLoop loop, Path path, OpenOption... options) throws IOException {
        return open(loop, path, AioEngine.AUTO, options);
    }

    /**
     * Opens {@code path} for I/O on {@code channel}'s event loop with the engine {@link AioEngine#AUTO} picks.
     *
     * @throws IllegalStateException {@code channel} is not registered with an event loop yet
     * @see #open(EventLoop, Path, AioEngine, OpenOption...)
     */
    public static AioFile open(Channel channel, Path path, OpenOption... options) throws IOException {
        return open(channel.eventLoop(), path, AioEngine.AUTO, options);
    }

    /**
     * Opens {@code path} for I/O on {@code channel}'s event loop with {@code engine}.
     *
     * @throws IllegalStateException {@code channel} is not registered with an event loop yet
     * @see #open(EventLoop, Path, AioEngine, OpenOption...)
     */
    public static AioFile open(Channel channel, Path path, AioEngine engine, OpenOption... options)
            throws IOException {
        return open(channel.eventLoop(), path, engine, options);
    }

    /**
     * Opens {@code path} for I/O on {@code loop} with {@code engine}.
     *
     * @see #open(EventLoop, Path, AioEngine, OpenOption...)
     */
    public static AioFile open(IoEventLoop loop, Path path, AioEngine engine, OpenOption... options)
            throws IOException {
        return open((EventLoop) loop, path, engine, options);
    }

    /**
     * Opens {@code path} for I/O on {@code loop} with {@code engine}. The {@code open(2)} itself runs on the
     * calling thread (it may block on the disk: on an event loop, use {@link #openAsync} instead).
     *
     * <p>Any {@link IoEventLoop} (NIO, epoll, io_uring, kqueue) hosts every engine its platform has. A loop that
     * is not one, such as an {@code EmbeddedChannel}'s or a {@code DefaultEventLoop}, gets {@link AioEngine#BLOCKING}:
     * the I/O runs on netty-aio's blocking pool and the futures still complete on {@code loop}. That is what
     * lets a handler using {@code AioFile} be tested with an {@code EmbeddedChannel}. Its loop has no thread
     * and a task queue only its user may touch, so there the I/O (and {@link #openAsync}'s {@code open(2)}) runs
     * on the calling thread, and each completion runs at the test's next {@code channel.runPendingTasks()}.
     *
     * <p>Options: {@code READ} (default), {@code WRITE}, {@code CREATE}, {@code CREATE_NEW},
     * {@code TRUNCATE_EXISTING}, {@code DSYNC}, {@code SYNC} and {@link io.github.nettyaio.sys.AioOpenOption#DIRECT}.
     *
     * @throws IllegalArgumentException      {@code APPEND} (positional writes ignore it) or contradictory options
     * @throws UnsupportedOperationException the engine can't run on this platform or loop (the message says
     *                                       why; e.g. {@code IO_URING} on a loop that is not an
     *                                       {@link IoEventLoop}), or an unsupported option
     * @throws java.nio.file.NoSuchFileException and the other errno-mapped exceptions of {@link PosixFiles#open}
     * @throws IOException                   a path without positions (a FIFO, socket or terminal: refused at
     *                                       once, a FIFO never waited on; see {@link PosixFiles#openPositional}),
     *                                       or the engine could not be set up
     */
    public static AioFile open(EventLoop loop, Path path, AioEngine engine, OpenOption... options)
            throws IOException {
        return AioFileOpener.open(loop, path, engine, options);
    }

    /**
     * Opens {@code path} like {@link #openAsync(EventLoop, Path, AioEngine, OpenOption...)} with the engine
     * {@link AioEngine#AUTO} picks.
     */
    public static Future<AioFile> openAsync(EventLoop loop, Path path, OpenOption... options) {
        return openAsync(loop, path, AioEngine.AUTO, options);
    }

    /**
     * Opens {@code path} like {@link #openAsync(EventLoop, Path, AioEngine, OpenOption...)} on {@code channel}'s
     * event loop, with the engine {@link AioEngine#AUTO} picks: the call a handler makes.
     *
     * <pre>{@code
     * AioFile.openAsync(ctx.channel(), path).addListener((Future<AioFile> f) -> {   // on ctx.channel()'s loop
     *     if (f.isSuccess()) { AioFile file = f.getNow(); ... } else { ctx.fireExceptionCaught(f.cause()); }
     * });
     * }</pre>
     *
     * @throws IllegalStateException {@code channel} is not registered with an event loop yet
     */
    public static Future<AioFile> openAsync(Channel channel, Path path, OpenOption... options) {
        return openAsync(channel.eventLoop(), path, AioEngine.AUTO, options);
    }

    /**
     * Opens {@code path} like {@link #openAsync(EventLoop, Path, AioEngine, OpenOption...)} on {@code channel}'s
     * event loop.
     *
     * @throws IllegalStateException {@code channel} is not registered with an event loop yet
     */
    public static Future<AioFile> openAsync(Channel channel, Path path, AioEngine engine, OpenOption... options) {
        return openAsync(channel.eventLoop(), path, engine, options);
    }

    /**
     * Opens {@code path} like {@link #openAsync(EventLoop, Path, AioEngine, OpenOption...)}.
     */
    public static Future<AioFile> openAsync(IoEventLoop loop, Path path, AioEngine engine, OpenOption... options) {
        return openAsync((EventLoop) loop, path, engine, options);
    }

    /**
     * Opens {@code path} like {@link #open(EventLoop, Path, AioEngine, OpenOption...)}, without blocking the
     * calling thread: {@code open(2)} (which may wait for the disk) runs on netty-aio's blocking pool, so an event
     * loop may call this. The future completes in a task of {@code loop} (so {@code isDone()}, {@code sync()} and
     * listeners all see the completion on the loop's thread, like every other future of this class). Cancelling
     * it before it completes closes the file once it is open.
     *
     * @return a future completing on {@code loop}'s thread with the open file, or failing with what
     *         {@link #open(EventLoop, Path, AioEngine, OpenOption...)} throws (e.g.
     *         {@link java.nio.file.NoSuchFileException}, {@link IllegalArgumentException} for {@code APPEND},
     *         {@link UnsupportedOperationException}), or with an {@link IOException} when {@code loop} shut down
     *         meanwhile (a file opened by then is closed; the future is then completed on Netty's
     *         {@code GlobalEventExecutor}, as the loop can't run anything any more)
     * @throws NullPointerException {@code loop}, {@code path}, {@code engine}, {@code options} or one of the
     *                              options is null (thrown at once, as {@code open} does)
     */
    public static Future<AioFile> openAsync(EventLoop loop, Path path, AioEngine engine, OpenOption... options) {
        return AioFileOpener.openAsync(loop, path, engine, options);
    }

    /** The engine in use (never {@link AioEngine#AUTO}). */
    public AioEngine engine() {
        return engine.kind();
    }

    /**
     * The event loop every future of this file completes on, when it is an {@link IoEventLoop}.
     *
     * @throws IllegalStateException the file was opened on a loop that is not an {@link IoEventLoop} (see
     *                               {@link #executor()}, which works for every file)
     */
    public IoEventLoop eventLoop() {
        if (!(loop instanceof IoEventLoop)) {
            throw new IllegalStateException(this + " completes on " + loop.getClass().getName()
                    + ", which is not an IoEventLoop: use executor()");
        }
        return (IoEventLoop) loop;
    }

    /** The event loop every future of this file completes on: the one it was opened with. */
    public EventLoop executor() {
        return loop;
    }

    /** The file descriptor (closed by {@link #close()}). */
    public FileDescriptor fd() {
        return fd;
    }

    /**
     * The file's current size, from the calling thread ({@code fstat}: no disk access).
     *
     * @throws ClosedChannelException the file is closed
     * @throws IOException            the errno
     */
    public long size() throws IOException {
        if (outstanding.isClosed()) {
            throw new ClosedChannelException();
        }
        return PosixFiles.size(fd);
    }

    /**
     * Reads once into {@code dst}, up to its writable bytes, from {@code position}. May read fewer bytes than
     * asked anywhere in the file.
     *
     * @return a future (completing on {@link #executor()}) with the bytes read, -1 when {@code position} is at
     *         or past EOF, 0 when {@code dst} has no writable bytes
     */
    public Future<Integer> read(ByteBuf dst, long position) {
        FileOperation<Integer> op = newOperation();
        StagedBuffers s = op.start(true, position, 0, dst);
        if (s != null) {
            op.run(() -> steps.readOnce(op, s, position, r -> op.succeed(r == 0 ? -1 : (int) r)));
        }
        return op.promise();
    }

    /**
     * Reads until {@code dst} is full or EOF. On an {@code O_DIRECT} file a read that ends off a block boundary
     * is taken as the end of the file (regular files read whole blocks otherwise), so a file whose size is not a
     * multiple of the block size reads to its end without a misaligned follow-up read.
     *
     * @return a future with the bytes read, or -1 when {@code position} is at or past EOF (and {@code dst}
     *         has writable bytes)
     */
    public Future<Integer> readFully(ByteBuf dst, long position) {
        FileOperation<Integer> op = newOperation();
        StagedBuffers s = op.start(true, position, 0, dst);
        if (s != null) {
            op.run(() -> steps.readFully(op, dst, s, position, 0));
        }
        return op.promise();
    }

    /**
     * Reads once into {@code dsts} in order (each from its writer index up to its writable bytes) from
     * {@code position}. Direct buffers become one {@code iovec} array where the engine takes one
     * ({@code IO_URING}, {@code BLOCKING}); {@code POSIX_AIO} stages them through one contiguous buffer.
     *
     * @return a future with the bytes read, -1 when {@code position} is at or past EOF, 0 when no buffer has
     *         writable bytes
     */
    public Future<Long> read(ByteBuf[] dsts, long position) {
        FileOperation<Long> op = newOperation();
        StagedBuffers s = op.start(true, position, 0L, dsts.clone());
        if (s != null) {
            op.run(() -> steps.readOnce(op, s, position, r -> op.succeed(r == 0 ? -1L : r)));
        }
        return op.promise();
    }

    /**
     * Writes all readable bytes of {@code src} at {@code position}, retrying short writes.
     *
     * @return a future with the bytes written
     */
    public Future<Integer> write(ByteBuf src, long position) {
        FileOperation<Integer> op = newOperation();
        StagedBuffers s = op.start(false, position, 0, src);
        if (s != null) {
            op.run(() -> steps.write(op, new ByteBuf[] {src}, s, position, 0, n -> op.succeed((int) n)));
        }
        return op.promise();
    }

    /**
     * Writes the readable bytes of {@code srcs} in order at {@code position}, retrying short writes.
     *
     * @return a future with the bytes written
     */
    public Future<Long> write(ByteBuf[] srcs, long position) {
        FileOperation<Long> op = newOperation();
        ByteBuf[] copy = srcs.clone();
        StagedBuffers s = op.start(false, position, 0L, copy);
        if (s != null) {
            op.run(() -> steps.write(op, copy, s, position, 0, op::succeed));
        }
        return op.promise();
    }

    /** Flushes data and metadata to stable storage ({@code fsync}). */
    public Future<Void> sync() {
        return sync(false);
    }

    /** Flushes data and the metadata needed to read it ({@code fdatasync}). */
    public Future<Void> syncData() {
        return sync(true);
    }

    /**
     * Stops accepting operations, lets every operation issued before finish (each completes with its own
     * result), then closes the descriptor. Idempotent: every call returns the same future.
     *
     * @return a future completing on {@link #executor()} once the descriptor is closed (failing with the
     *         {@code close(2)} errno, if any); it fails instead, with an {@link IOException}, if the engine
     *         learns that operations in flight will never report (an io_uring loop that terminated with them
     *         on its ring): the descriptor is then deliberately leaked with their buffers
     */
    public Future<Void> closeAsync() {
        return outstanding.closeAsync();
    }

    /**
     * {@link #closeAsync()} and waits for it. On the event loop thread it can't wait: it then returns once
     * the close is under way (it completes when the last operation does).
     *
     * @throws IOException the {@code close(2)} errno
     */
    @Override
    public void close() throws IOException {
        Future<Void> f = closeAsync();
        if (loop.inEventLoop() && !f.isDone()) {
            return;
        }
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable t = f.cause();
            throw t instanceof IOException ? (IOException) t : new IOException(t);
        }
    }

    @Override
    public String toString() {
        return "AioFile(" + errors.path() + ", " + engine.kind() + ")";
    }

    /** The errors of this file, naming its path. */
    FileErrors errors() {
        return errors;
    }

    private <T> FileOperation<T> newOperation() {
        return new FileOperation<>(outstanding, engine, stagingAlignment);
    }

    private Future<Void> sync(boolean dataOnly) {
        FileOperation<Void> op = newOperation();
        if (op.begin(0)) {
            op.run(() -> steps.sync(op, dataOnly));
        }
        return op.promise();
    }

    /** Closes the engine, then the descriptor: once, after every operation has ended. */
    private void releaseResources() throws IOException {
        try {
            engine.close();
        } catch (Throwable t) {
            logger.warn("Failed to close the {} engine of {}", engine.kind(), errors.path(), t);
        }
        fd.close();
    }
}

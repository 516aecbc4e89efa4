/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.LoopPromise;
import io.github.nettyaio.internal.Loops;
import io.github.nettyaio.internal.StagedBuffers;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file for positional asynchronous I/O whose futures complete on one Netty event loop: the everyday API of
 * netty-aio, like tokio-file's {@code File} in Netty's idiom.
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
 * <p>Every asynchronous method may be called from any thread; the operation is issued from the file's event
 * loop and its future completes <b>on that loop's thread</b>, possibly before the method returns when it is
 * called on that thread (a page-cache hit read on the loop: {@code IO_URING} from an NIO or epoll loop reads
 * cached data with {@code preadv2(RWF_NOWAIT)}, which never waits for the disk). Buffers are not taken over: the caller keeps
 * its reference; the library retains each buffer while the kernel may touch it (so an early
 * {@code release()} never lets the kernel write into freed memory) and stages heap buffers through pooled
 * direct memory. Several direct buffers, and composite buffers of direct components, become one
 * {@code iovec} array over their own memory where the engine takes one ({@code IO_URING}: {@code READV}/
 * {@code WRITEV}; {@code BLOCKING}: {@code preadv}/{@code pwritev}); {@code POSIX_AIO} (glibc has no
 * {@code aio_readv}) stages them through one contiguous buffer. Reads advance the destination's writer index, writes the source's reader
 * index, only on success. Argument errors (negative position, released buffer, read-only destination) fail
 * the future with {@link IllegalArgumentException} or {@link io.netty.util.IllegalReferenceCountException}
 * before any I/O is issued; I/O errors fail it with an {@link IOException} naming the call, path and errno,
 * e.g. {@code pread(data.bin): EBADF (Bad file descriptor)}; {@code EINTR} and {@code EAGAIN} are retried
 * ({@code EINTR} at once; {@code EAGAIN}, a refused submission such as a full POSIX AIO queue, after a back-off
 * from 50 µs doubling to 10 ms; refused 200 times in a row, about 2 s of back-off, an operation fails with the
 * last refusal's error, e.g. {@code EAGAIN}). Under {@code O_DIRECT} an {@code EINVAL} for a misaligned request
 * names the alignment the file system asks for.
 * A failed operation leaves the caller's indices where they were, even when steps before the failing one
 * (of {@code readFully}, or of a write retrying a short write) transferred data.
 * Operations issued after {@link #close()} fail with {@link ClosedChannelException}. If the event loop shuts
 * down with operations in flight, their futures fail with an {@link IOException} and the buffers they use
 * stay pinned (deliberately leaked) rather than be freed under the kernel.
 *
 * <p>{@code Future.cancel()} on a returned future works until the operation reaches the kernel; after that
 * it returns false and the future completes with the operation's result.
 *
 * <p>The engine doing the I/O is chosen at {@link #open} ({@link AioEngine}); {@link #engine()} reports it.
 */
public final class AioFile implements Closeable {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFile.class);
    private static final int CLOSED = 1;
    /** {@code EAGAIN} retries: the first back-off, its cap, and how many refusals in a row an operation takes. */
    static final long RETRY_MIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    static final long RETRY_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final int RETRY_LIMIT = 200;
    /** The alignment staging memory gets for O_DIRECT files (safe for every common device). */
    static final int DIRECT_ALIGNMENT = AlignedBuffers.DIRECT_ALIGNMENT;

    private final EventLoop loop;
    private final PosixFileDescriptor fd;
    private final int fdInt;
    private final String path;
    private final FileEngine engine;
    private final AbiConstants c;
    /** Staging alignment: {@link #DIRECT_ALIGNMENT} for O_DIRECT files, else 1. */
    private final int alignment;
    /** O_DIRECT files: the offset alignment the file system reports ({@code STATX_DIOALIGN}), 0 if unknown. */
    private final int directIoAlignment;
    /** (operations outstanding << 1) | CLOSED. */
    private final AtomicInteger state = new AtomicInteger();
    private final Promise<Void> closeFuture;
    /**
     * Operations whose futures are not complete yet, failed if the loop terminates: an intrusive doubly linked
     * list through {@link Op#prev}/{@link Op#next}, guarded by {@link #opsLock} (two short uncontended critical
     * sections per operation, no allocation).
     */
    private final Object opsLock = new Object();
    private Op<?> opsHead;
    private final FutureListener<Object> loopTerminated = f -> loopTerminated();

    private AioFile(EventLoop loop, PosixFileDescriptor fd, FileEngine engine) {
        this.loop = loop;
        this.fd = fd;
        this.fdInt = fd.intValue();
        this.path = fd.target();
        this.engine = engine;
        this.c = Platform.abi().constants();
        this.alignment = fd.isDirect() ? DIRECT_ALIGNMENT : 1;
        this.directIoAlignment = fd.isDirect() ? PosixFiles.directIoAlignment(fd) : 0;
        this.closeFuture = new LoopPromise<>(loop);
        LoopTermination.listen(loop, loopTerminated);
        engine.whenAbandoned(() -> closeFuture.tryFailure(new IOException("operations on " + path + " were "
                + "abandoned in flight (their " + engine.kind() + " ring shut down first): the descriptor and their "
                + "buffers are deliberately leaked, never freed under the kernel")));
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
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(engine, "engine");
        for (OpenOption o : options) {
            if (o == StandardOpenOption.APPEND) {
                throw new IllegalArgumentException("APPEND is not supported: AioFile writes at explicit positions");
            }
        }
        AioEngine kind = FileEngines.resolve(engine, loop);
        PosixFileDescriptor fd = PosixFiles.openPositional(path, options);
        try {
            FileEngine e = createOnLoop(kind, loop, fd.isDirect());
            logger.debug("{} uses the {} engine on {}", path, e.kind(), loop);
            return new AioFile(loop, fd, e);
        } catch (IOException | RuntimeException | Error e) {
            try {
                fd.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
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
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(engine, "engine");
        OpenOption[] opts = options.clone();
        for (OpenOption o : opts) {
            Objects.requireNonNull(o, "option");
        }
        Promise<AioFile> promise = new LoopPromise<>(loop);
        if (Loops.isThreadless(loop)) {
            // An EmbeddedChannel's loop takes tasks from its own user only: open here, complete in its next task.
            AioFile file;
            try {
                file = open(loop, path, engine, opts);
            } catch (Throwable t) {
                completeOnLoop(loop, promise, null, t);
                return promise;
            }
            completeOnLoop(loop, promise, file, null);
            return promise;
        }
        try {
            BlockingFileEngine.execute(() -> {
                if (promise.isDone()) {
                    return; // cancelled before it started
                }
                AioFile file;
                try {
                    file = open(loop, path, engine, opts);
                } catch (Throwable t) {
                    completeOnLoop(loop, promise, null, t);
                    return;
                }
                completeOnLoop(loop, promise, file, null);
            });
        } catch (RejectedExecutionException e) {
            promise.tryFailure(new IOException("netty-aio's blocking pool rejected open(" + path + ")", e));
        }
        return promise;
    }

    /**
     * Completes {@code promise} of {@link #openAsync} with {@code file} (or {@code failure}) in a task of
     * {@code loop}. If the loop rejects the task, or terminates without running it (a task queued during its last
     * moments is dropped), the promise fails instead and {@code file} is closed.
     */
    private static void completeOnLoop(EventLoop loop, Promise<AioFile> promise, AioFile file, Throwable failure) {
        FutureListener<Object> terminated = t -> failOpen(promise, file, failure, null);
        Runnable complete = () -> {
            LoopTermination.unlisten(loop, terminated);
            if (failure != null) {
                promise.tryFailure(failure);
            } else if (!promise.trySuccess(file)) {
                file.closeAsync(); // cancelled meanwhile
            }
        };
        LoopTermination.listen(loop, terminated);
        try {
            loop.execute(complete);
        } catch (RejectedExecutionException e) {
            LoopTermination.unlisten(loop, terminated);
            failOpen(promise, file, failure, e);
        }
    }

    /** {@code promise}'s loop is gone: fails it ({@code failure}, else an IOException) and closes {@code file}. */
    private static void failOpen(Promise<AioFile> promise, AioFile file, Throwable failure, Throwable why) {
        if (failure != null) {
            promise.tryFailure(failure);
            return;
        }
        if (promise.isSuccess()) {
            return; // handed over
        }
        // Not handed over (failing now, or cancelled before): close first — at once, the loop being gone — so that
        // whoever sees the future fail sees the descriptor closed.
        file.closeAsync();
        promise.tryFailure(new IOException("event loop " + file.loop + " shut down while opening " + file.path, why));
    }

    private static FileEngine createOnLoop(AioEngine kind, EventLoop loop, boolean oDirect) throws IOException {
        if (loop.inEventLoop()) {
            return FileEngines.create(kind, loop, oDirect);
        }
        if (FileEngines.createsOnAnyThread(kind, loop)) {
            if (loop.isShuttingDown()) {
                throw new IOException("event loop " + loop + " is shut down");
            }
            try {
                return FileEngines.create(kind, loop, oDirect);
            } catch (RejectedExecutionException e) {
                throw new IOException("event loop " + loop + " is shut down", e);
            }
        }
        try {
            return loop.submit(() -> FileEngines.create(kind, loop, oDirect)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        } catch (RejectedExecutionException e) {
            throw new IOException("event loop " + loop + " is shut down", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting up the engine", e);
        } catch (TimeoutException e) {
            throw new IOException("event loop " + loop + " did not set up the engine in time", e);
        }
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
        if ((state.get() & CLOSED) != 0) {
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
        Op<Integer> op = new Op<>();
        StagedBuffers s = op.start(true, position, 0, dst);
        if (s != null) {
            op.run(() -> readOnce(op, s, position, r -> op.succeed(r == 0 ? -1 : (int) r)));
        }
        return op.promise;
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
        Op<Integer> op = new Op<>();
        StagedBuffers s = op.start(true, position, 0, dst);
        if (s != null) {
            op.run(() -> readFullyStep(op, dst, s, position, 0));
        }
        return op.promise;
    }

    private void readFullyStep(Op<Integer> op, ByteBuf dst, StagedBuffers s, long position, int total) {
        readOnce(op, s, position, r -> {
            if (r == 0) {
                op.succeed(total == 0 ? -1 : total);
                return;
            }
            int sum = total + (int) r;
            // Under O_DIRECT a read that ends off a block boundary ended at EOF (a regular file reads whole
            // blocks otherwise); reading on from there would be misaligned (EINVAL).
            boolean endedOffBlock = alignment > 1 && (r & (alignment - 1)) != 0;
            if (!dst.isWritable() || op.promise.isDone() || endedOffBlock) {
                op.succeed(sum);
                return;
            }
            StagedBuffers next = op.stage(true, dst);
            if (next != null) {
                readFullyStep(op, dst, next, position + r, sum);
            }
        });
    }

    /** One pread into {@code s}; on success moves indices and calls {@code then} with the byte count. */
    private void readOnce(Op<?> op, StagedBuffers s, long position, java.util.function.LongConsumer then) {
        transfer(true, s, position, r -> {
            if (op.retryLater(r, () -> readOnce(op, s, position, then))) {
                return;
            }
            if (op.endIfAbandoned(s)) {
                return;
            }
            if (r < 0) {
                IOException e = ioError(s.isVectored() ? "preadv" : "pread", r, position, s.length());
                s.release();
                op.fail(e);
            } else {
                op.stepSucceeded();
                s.complete(r);
                then.accept(r);
            }
        });
    }

    /**
     * Writes all readable bytes of {@code src} at {@code position}, retrying short writes.
     *
     * @return a future with the bytes written
     */
    public Future<Integer> write(ByteBuf src, long position) {
        Op<Integer> op = new Op<>();
        StagedBuffers s = op.start(false, position, 0, src);
        if (s != null) {
            op.run(() -> writeStep(op, new ByteBuf[] {src}, s, position, 0, n -> op.succeed((int) n)));
        }
        return op.promise;
    }

    /**
     * Reads once into {@code dsts} in order (each from its writer index up to its writable bytes) from
     * {@code position}.
     *
     * @return a future with the bytes read, -1 when {@code position} is at or past EOF, 0 when no buffer has
     *         writable bytes
     */
    public Future<Long> read(ByteBuf[] dsts, long position) {
        Op<Long> op = new Op<>();
        StagedBuffers s = op.start(true, position, 0L, dsts.clone());
        if (s != null) {
            op.run(() -> readOnce(op, s, position, r -> op.succeed(r == 0 ? -1L : r)));
        }
        return op.promise;
    }

    /**
     * Writes the readable bytes of {@code srcs} in order at {@code position}, retrying short writes.
     *
     * @return a future with the bytes written
     */
    public Future<Long> write(ByteBuf[] srcs, long position) {
        Op<Long> op = new Op<>();
        ByteBuf[] copy = srcs.clone();
        StagedBuffers s = op.start(false, position, 0L, copy);
        if (s != null) {
            op.run(() -> writeStep(op, copy, s, position, 0, op::succeed));
        }
        return op.promise;
    }

    private void writeStep(Op<?> op, ByteBuf[] srcs, StagedBuffers s, long position, long total,
                           java.util.function.LongConsumer then) {
        if (s.length() == 0) {
            s.release();
            then.accept(total);
            return;
        }
        transfer(false, s, position, r -> {
            if (op.retryLater(r, () -> writeStep(op, srcs, s, position, total, then))) {
                return;
            }
            if (op.endIfAbandoned(s)) {
                return;
            }
            if (r < 0) {
                IOException e = ioError(s.isVectored() ? "pwritev" : "pwrite", r, position, s.length());
                s.release();
                op.fail(e);
            } else if (r == 0) {
                s.release();
                op.fail(new IOException("pwrite(" + path + ") wrote 0 of " + s.length() + " bytes"));
            } else {
                op.stepSucceeded();
                s.complete(r);
                long sum = total + r;
                if (r < s.length() && !op.promise.isDone()) {
                    StagedBuffers rest = op.stage(false, srcs);
                    if (rest != null) {
                        writeStep(op, srcs, rest, position + r, sum, then);
                    }
                } else {
                    then.accept(sum);
                }
            }
        });
    }

    /** One engine request for {@code s}: an {@code iovec} array when it is vectored, else one region. */
    private void transfer(boolean read, StagedBuffers s, long position, FileEngine.Completion done) {
        if (s.isVectored()) {
            if (read) {
                engine.readv(fdInt, s.address(), s.iovecCount(), position, done);
            } else {
                engine.writev(fdInt, s.address(), s.iovecCount(), position, done);
            }
        } else if (read) {
            engine.read(fdInt, s.address(), s.length(), position, done);
        } else {
            engine.write(fdInt, s.address(), s.length(), position, done);
        }
    }

    /** Flushes data and metadata to stable storage ({@code fsync}). */
    public Future<Void> sync() {
        return sync(false);
    }

    /** Flushes data and the metadata needed to read it ({@code fdatasync}). */
    public Future<Void> syncData() {
        return sync(true);
    }

    private Future<Void> sync(boolean dataOnly) {
        Op<Void> op = new Op<>();
        if (!op.begin(0)) {
            return op.promise;
        }
        op.run(() -> syncStep(op, dataOnly));
        return op.promise;
    }

    private void syncStep(Op<Void> op, boolean dataOnly) {
        engine.sync(fdInt, dataOnly, r -> {
            if (op.retryLater(r, () -> syncStep(op, dataOnly))) {
                return;
            }
            if (r < 0) {
                op.fail(Errno.newException(dataOnly ? "fdatasync" : "fsync", path, (int) -r));
            } else {
                op.succeed(null);
            }
        });
    }

    /**
     * The exception for {@code -errno} result {@code r} of {@code call} transferring {@code length} bytes at
     * {@code position}; explains EINVAL under O_DIRECT, with the alignment the file system asks for.
     */
    private IOException ioError(String call, long r, long position, long length) {
        int errno = (int) -r;
        // Blamed on alignment where the request is misaligned for what the file system reports, or where it
        // reports nothing; an aligned request's EINVAL has another cause and gets the plain message.
        boolean misaligned = directIoAlignment <= 0 || ((position | length) & (directIoAlignment - 1)) != 0;
        if (errno == Errno.EINVAL && alignment > 1 && misaligned) {
            String needs = directIoAlignment > 0
                    ? "aligned to " + directIoAlignment + " bytes (the file system's STATX_DIOALIGN)"
                    : "aligned to the device's logical block size (multiples of " + DIRECT_ALIGNMENT + " are safe)";
            return new io.github.nettyaio.sys.ErrnoException(call, path, errno, Errno.name(errno),
                    call + "(" + path + "): " + Errno.format(errno) + ": the file is open with O_DIRECT, which needs"
                            + " the position and length " + needs + ", here " + length + " bytes at " + position
                            + " (buffers are staged through " + DIRECT_ALIGNMENT
                            + "-aligned memory when they are not aligned themselves)");
        }
        return Errno.newException(call, path, errno);
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
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return closeFuture;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    finishClose();
                }
                return closeFuture;
            }
        }
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

    private void finishClose() {
        Runnable task = () -> {
            LoopTermination.unlisten(loop, loopTerminated);
            try {
                engine.close();
            } catch (Throwable t) {
                logger.warn("Failed to close the {} engine of {}", engine.kind(), path, t);
            }
            try {
                fd.close();
                closeFuture.trySuccess(null);
            } catch (IOException e) {
                closeFuture.tryFailure(e);
            }
        };
        if (loop.inEventLoop() || loop.isShutdown()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        }
    }

    /**
     * The loop terminated: fail every pending future now, and close once the operations in flight have
     * finished. Their buffers stay pinned until then (engines that can still complete them do so on their
     * own thread; an operation whose completion can never be observed keeps its buffer and the descriptor
     * forever, deliberately, rather than let the kernel write into freed memory or a reused descriptor).
     */
    private void loopTerminated() {
        IOException cause = new IOException("event loop " + loop + " shut down with an operation on " + path
                + " in flight");
        List<Op<?>> pending = new ArrayList<>();
        synchronized (opsLock) {
            for (Op<?> op = opsHead; op != null; op = op.next) {
                pending.add(op);
            }
        }
        int n = 0;
        for (Op<?> op : pending) {
            if (op.abandon(cause)) {
                n++;
            }
        }
        if (n > 0) {
            logger.debug("{} operation(s) on {} were in flight when {} shut down", n, path, loop);
        }
        closeAsync();
    }

    @Override
    public String toString() {
        return "AioFile(" + path + ", " + engine.kind() + ")";
    }

    /** One user-visible operation: its promise, its outstanding-operation count and its staged buffers. */
    private final class Op<T> {
        final Promise<T> promise = new LoopPromise<>(loop);
        private StagedBuffers staged;
        private boolean counted;
        /** The caller's buffers, retained from {@link #start} until {@link #done()}. */
        private ByteBuf[] held;
        /** The index of each of {@link #held} at the start (reads: writer index; writes: reader index). */
        private int[] startIndex;
        private boolean read;
        /** A step succeeded, so the caller's indices moved: a failure puts them back. */
        private boolean moved;
        /** Refusals retried since the last step that succeeded ({@link #retryLater}). */
        private int retries;
        /**
         * The operation sits in a task of the loop, not started or waiting to retry: the kernel holds none of its
         * memory. Guarded by {@code this}: exactly one of the task, a rejection and {@link #abandon} claims it.
         */
        private boolean idle;
        /** Neighbours in the file's list of pending operations; guarded by {@link #opsLock}. */
        Op<?> prev;
        Op<?> next;

        /** Checks the position and counts the operation; false (promise failed) when it can't start. */
        boolean begin(long position) {
            if (position < 0) {
                promise.setFailure(new IllegalArgumentException("negative position: " + position));
                return false;
            }
            for (;;) {
                int s = state.get();
                if ((s & CLOSED) != 0) {
                    promise.setFailure(new ClosedChannelException());
                    return false;
                }
                if (state.compareAndSet(s, s + 2)) {
                    counted = true;
                    synchronized (opsLock) {
                        next = opsHead;
                        if (opsHead != null) {
                            opsHead.prev = this;
                        }
                        opsHead = this;
                    }
                    return true;
                }
            }
        }

        /**
         * Counts the operation and stages its buffers; returns null when it is already complete: an argument
         * error or a closed file (failed), or nothing to transfer (succeeded with {@code whenEmpty}).
         */
        StagedBuffers start(boolean read, long position, T whenEmpty, ByteBuf... bufs) {
            if (!begin(position)) {
                return null;
            }
            StagedBuffers s = stage(read, bufs);
            if (s != null && s.length() == 0) {
                s.release();
                succeed(whenEmpty);
                return null;
            }
            if (s != null) {
                // One reference for the whole operation, on top of each step's own: a multi-step operation
                // (readFully, a write retrying a short write) stages the caller's buffers again after a step let
                // go of them, and a caller that released early must not have them recycled in between.
                int[] at = new int[bufs.length];
                for (int i = 0; i < bufs.length; i++) {
                    bufs[i].retain();
                    at[i] = read ? bufs[i].writerIndex() : bufs[i].readerIndex();
                }
                this.read = read;
                startIndex = at;
                held = bufs;
            }
            return s;
        }

        /**
         * Retries a step the engine reported {@code r} for, if {@code r} is {@code -EINTR} (as the loop's next
         * task) or {@code -EAGAIN} (a refused submission, e.g. a full POSIX AIO queue: after a back-off doubling
         * from {@link #RETRY_MIN_NANOS} to {@link #RETRY_MAX_NANOS}, so the completions that free the queue are
         * processed meanwhile). Never recursive: a refusal reported within the submitting call can't grow the
         * stack. Returns false when {@code r} is something else, after {@link #RETRY_LIMIT} refusals in a row
         * (since the last step that succeeded), off the loop (it is gone), or when the loop takes no more tasks:
         * the caller then fails the operation with {@code r}'s error.
         */
        boolean retryLater(long r, Runnable again) {
            boolean eintr = r == -Errno.EINTR;
            // Off the loop only once it is gone (FileEngine's contract): no retry can run then.
            if (!eintr && r != -c.EAGAIN || retries >= RETRY_LIMIT || !loop.inEventLoop()) {
                return false;
            }
            long delay = eintr ? 0 : Math.min(RETRY_MIN_NANOS << Math.min(retries, 20), RETRY_MAX_NANOS);
            retries++;
            Runnable task = () -> {
                if (!claimIdle()) {
                    return;
                }
                try {
                    again.run();
                } catch (Throwable t) {
                    if (staged != null) {
                        staged.release();
                    }
                    fail(t);
                }
            };
            setIdle();
            try {
                if (delay == 0) {
                    loop.execute(task);
                } else {
                    loop.schedule(task, delay, TimeUnit.NANOSECONDS);
                }
                return true;
            } catch (RejectedExecutionException e) {
                // Unclaimed: the caller fails the operation. Claimed: abandon() already did.
                return !claimIdle();
            }
        }

        /** A step succeeded: the indices it moves go back if a later step fails; refusals count afresh. */
        void stepSucceeded() {
            moved = true;
            retries = 0;
        }

        private synchronized void setIdle() {
            idle = true;
        }

        /** True for exactly one caller once {@link #setIdle()} ran: the task, a rejection or {@link #abandon}. */
        private synchronized boolean claimIdle() {
            if (!idle) {
                return false;
            }
            idle = false;
            return true;
        }

        /** Validates and pins buffers; null (promise failed, count released) on an argument error. */
        StagedBuffers stage(boolean read, ByteBuf... bufs) {
            try {
                boolean vectored = engine.vectored();
                staged = read ? StagedBuffers.forRead(alignment, vectored, bufs)
                        : StagedBuffers.forWrite(alignment, vectored, bufs);
                return staged;
            } catch (RuntimeException e) {
                restoreIndices();
                done();
                promise.tryFailure(e);
                return null;
            }
        }

        /** Runs {@code task} on the loop; from then on the operation can't be cancelled. */
        void run(Runnable task) {
            boolean onLoop = loop.inEventLoop();
            Runnable guarded = () -> {
                if (!onLoop && !claimIdle()) {
                    return;     // abandoned: the loop died before it ran this
                }
                if (!promise.setUncancellable()) {
                    if (staged != null) {
                        staged.release();
                    }
                    done();
                    return;
                }
                try {
                    task.run();
                } catch (Throwable t) {
                    if (staged != null) {
                        staged.release();
                    }
                    fail(t);
                }
            };
            if (onLoop) {
                guarded.run();
                return;
            }
            setIdle();
            try {
                loop.execute(guarded);
            } catch (RejectedExecutionException e) {
                if (claimIdle()) {
                    if (staged != null) {
                        staged.release();
                    }
                    fail(new IOException("event loop " + loop + " is shut down", e));
                }
            }
        }

        // The library lets go of the caller's buffers before the promise completes (a listener sees them as the
        // caller alone holds them), and the operation stops counting after it, so a close waiting for the
        // operation completes after its future.
        void succeed(T value) {
            releaseHeld();
            promise.trySuccess(value);
            done();
        }

        void fail(Throwable cause) {
            restoreIndices();
            releaseHeld();
            promise.tryFailure(cause);
            done();
        }

        /**
         * A failed operation moves no index: steps that succeeded before the failing one (of {@code readFully}, or
         * of a write retrying a short write) moved the caller's indices, which go back to where they were. The
         * buffers are still held, so none of them can have been recycled meanwhile.
         */
        private void restoreIndices() {
            ByteBuf[] h = held;
            if (h == null || !moved) {
                return;
            }
            for (int i = 0; i < h.length; i++) {
                try {
                    if (read) {
                        h[i].writerIndex(startIndex[i]);
                    } else {
                        h[i].readerIndex(startIndex[i]);
                    }
                } catch (IndexOutOfBoundsException e) {
                    // The caller moved the other index meanwhile (its own race): leave the buffer as it is.
                    logger.debug("Could not restore an index of {} after a failed operation", h[i], e);
                }
            }
        }

        private void releaseHeld() {
            ByteBuf[] h = held;
            if (h != null) {
                held = null;
                for (ByteBuf b : h) {
                    b.release();
                }
            }
        }

        /**
         * The loop died with this operation in flight: fail it without releasing its buffers, unless it only sat
         * in a task of the loop (not started, or waiting to retry), which the dead loop will never run: the kernel
         * holds none of its memory then, so it is released and uncounted now.
         */
        boolean abandon(Throwable cause) {
            if (claimIdle()) {
                if (staged != null) {
                    staged.release();
                }
                fail(cause);
                return true;
            }
            return promise.tryFailure(cause);
        }

        /**
         * Whether the operation was abandoned ({@link #abandon}: its future failed while the kernel still had it);
         * then lets go of everything without touching the caller's indices (the caller has its buffers back).
         * Called with the step's staged buffers {@code s} when a step's completion arrives.
         */
        boolean endIfAbandoned(StagedBuffers s) {
            if (!promise.isDone()) {
                return false;
            }
            s.release();
            releaseHeld();
            done();
            return true;
        }

        private void done() {
            releaseHeld();
            if (counted) {
                counted = false;
                synchronized (opsLock) {
                    if (prev != null) {
                        prev.next = next;
                    } else {
                        opsHead = next;
                    }
                    if (next != null) {
                        next.prev = prev;
                    }
                    prev = null;
                    next = null;
                }
                if (state.addAndGet(-2) == CLOSED) {
                    finishClose();
                }
            }
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.github.nettyaio.sys.PosixFileDescriptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ChunkedInput} that streams a region of a file chunk by chunk without ever blocking the event loop: the
 * asynchronous counterpart of Netty's {@code ChunkedFile} and {@code ChunkedNioFile}, for
 * {@link ChunkedWriteHandler} and {@code HttpChunkedInput}. Use it where a {@code FileRegion} (sendfile) can't
 * be: over TLS, or when the response is compressed.
 *
 * <h2>Owning its file, or not</h2>
 * <ul>
 * <li>{@link #open(Channel, Path)} and {@link #openAsync(Channel, Path)} (and their overloads) open the file
 *     themselves, without blocking the calling thread, and own it as Netty's {@code ChunkedFile} owns its
 *     {@code RandomAccessFile}: the file is closed exactly once, as soon as the first of these happens: the last
 *     byte of the region has been read; the input is {@linkplain #close() closed} (which
 *     {@code ChunkedWriteHandler} does when the transfer ends, fails, or is discarded because the channel
 *     closed); the channel closes (so an input that was never written, or that {@code ChunkedWriteHandler}
 *     dropped, does not keep its descriptor past the connection). {@link #owning} hands an {@link AioFile} you
 *     opened yourself over to the input on the same terms.</li>
 * <li>The public constructors stream a region of an {@link AioFile} you opened and keep: they never close it,
 *     so one open file may serve many inputs; close it yourself once the writes are done.</li>
 * </ul>
 *
 * <pre>{@code
 * // in initChannel: EmptyFlushFilter and ChunkedWriteHandler, and the TLS tuning (see AioFilePipelines)
 * ch.pipeline().addLast(sslContext.newHandler(ch.alloc()), new HttpServerCodec());
 * AioFilePipelines.addFileServing(ch.pipeline());
 * ch.pipeline().addLast(handler);
 *
 * // in handler, on the channel's event loop:
 * ChunkedAioFile.openAsync(ctx.channel(), path).addListener((Future<ChunkedAioFile> f) -> {
 *     if (!f.isSuccess()) {                            // e.g. NoSuchFileException
 *         FullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
 *                 HttpResponseStatus.NOT_FOUND);
 *         HttpUtil.setContentLength(notFound, 0);
 *         ctx.writeAndFlush(notFound);
 *         return;
 *     }
 *     ChunkedAioFile body = f.getNow();                // open, its length known
 *     HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
 *     HttpUtil.setContentLength(response, body.length());
 *     ctx.write(response);
 *     ctx.writeAndFlush(new HttpChunkedInput(body));   // closes the file when it ends, fails or is cancelled
 * });
 * }</pre>
 *
 * <h2>The length before the open</h2>
 * {@link #open(Channel, Path)} returns at once, before the file is open, and the input can be written at once:
 * {@code readChunk} returns {@code null} until the open has completed, and its completion resumes the transfer
 * (or fails it). Until then the length of the region is only known if it was given: otherwise {@link #length()}
 * is -1 (unknown, as {@link ChunkedInput#length()} allows; the progress of the write reports a total of -1) and
 * becomes the size of the file once it is open. That suits a raw stream, or an HTTP response with
 * {@code Transfer-Encoding: chunked}; a response that needs a {@code Content-Length} ({@code HttpChunkedInput}
 * sends the body as it comes, so the header must say the length before the first chunk) uses
 * {@link #openAsync(Channel, Path)}, whose future completes once the file is open and its size known, as above,
 * or passes a length the caller knows (from a {@code stat} made beforehand). {@link #isEndOfInput()} is false
 * until the open has succeeded, even for an empty region, so that an open that fails always fails the write.
 *
 * <h2>How it reads</h2>
 * Nothing is read before the first {@link #readChunk} (or {@link #prefetch()}): it issues up to {@code readAhead}
 * reads ({@link AioFile#readFully}) of {@code chunkSize} bytes into direct buffers from {@code channel.alloc()} and
 * returns {@code null}, which makes {@link ChunkedWriteHandler} suspend the transfer. When the read of the next
 * chunk in file order completes (reads may complete out of order; chunks are handed out in order), this input
 * calls {@link ChunkedWriteHandler#resumeTransfer()} on the first {@code ChunkedWriteHandler} of the channel's
 * pipeline (or {@code channel.flush()} when there is none), which takes the chunk; each chunk taken schedules the
 * next read in a task of the loop, after the socket writes of the current loop round (so a loop with many
 * transfers submits its sends before its reads), so at most {@code readAhead} chunks are being read or held by
 * this input (chunks handed out wait in the channel's outbound buffer, bounded by its write-buffer water mark).
 * The transfer therefore never stalls (every suspension is ended by exactly the completion it waits for) and
 * never spins (it is resumed only when the chunk it waits for is ready). While the channel is not writable,
 * {@code ChunkedWriteHandler} stops asking and reading ahead stops with it. Write this input through the first
 * {@code ChunkedWriteHandler} of the pipeline (the usual single one): that is the one resumed.
 * {@code ChunkedWriteHandler} flushes each time it finds no chunk ready; an {@link EmptyFlushFilter} on its head
 * side drops those flushes, which over TLS would each write an empty record ({@link AioFilePipelines#addFileServing}
 * sets both up).
 *
 * <h2>Threads</h2>
 * The channel's event loop at construction (the channel must be registered) runs this input: all its state lives
 * there. {@link #readChunk} is meant to be called by {@code ChunkedWriteHandler} on that loop (it throws
 * {@link IllegalStateException} elsewhere). {@link #open} and {@link #openAsync} may be called from any thread:
 * {@code open(2)} runs on netty-aio's blocking pool ({@link AioFile#openAsync}) and its completion on the
 * channel's loop, where the file is opened for I/O; the future of {@code openAsync} completes there.
 * {@link #close()} may be called from any thread: off the loop it is handed to the loop and returns at once; once
 * the loop rejects tasks (it is shutting down) the input is closed when the loop has terminated, unless the loop
 * closed it first (every buffer is released exactly once). The file of the constructors may belong to any event
 * loop, the channel's or another one: its completions are moved to the channel's loop. {@link #isEndOfInput()},
 * {@link #length()} and {@link #progress()} may be read anywhere.
 *
 * <h2>Failures and closing</h2>
 * A failed open (the exception of {@link AioFile#open}: {@link java.nio.file.NoSuchFileException},
 * {@link java.nio.file.AccessDeniedException}, an {@code IOException} for a FIFO or a socket, ...) is thrown by
 * {@code readChunk} (and fails the future of {@code openAsync}), so {@code ChunkedWriteHandler} fails the write's
 * promise with it. A failed read (an {@code IOException} naming the errno, {@link ClosedChannelException} when the
 * file was closed, or an {@link EOFException} when the file ends before {@code offset + length}) is thrown by the
 * {@code readChunk} that reaches that chunk, with the same effect. {@link #close()} (called by
 * {@code ChunkedWriteHandler} at the end, on failure, and when the channel closes) releases every chunk read
 * ahead; a read still in flight is cancelled (best effort) and its buffer is released only once its completion
 * arrives. It closes the file only if this input owns it (see above). If the channel's loop shuts down with reads
 * in flight, their buffers are released on the file's loop.
 *
 * <p>Closing does not end the input: {@link #isEndOfInput()} stays false until every byte has been handed out.
 * An application cancels a transfer by closing the input (from any thread): the next {@code readChunk} then
 * throws a {@link ClosedChannelException} (a transfer suspended on this input is resumed for that), so
 * {@code ChunkedWriteHandler} fails the write's promise, and under {@code HttpChunkedInput} no
 * {@code LastHttpContent} is sent: the client never sees a truncated body as complete. Should the channel close
 * first, {@code ChunkedWriteHandler} fails the promise too, since the input has not ended. Cancelling the write's
 * {@code ChannelFuture} instead is no way to stop a transfer: {@code ChunkedWriteHandler} (Netty 4.2) then drops
 * the input without closing it, as it does with the inputs it holds when it is removed from the pipeline; an input
 * that owns its file still closes it when the channel closes, one that doesn't keeps its chunks read ahead until
 * closed.
 *
 * <h2>O_DIRECT</h2>
 * For a file opened with {@link io.github.nettyaio.sys.AioOpenOption#DIRECT}, {@code offset} and {@code chunkSize}
 * must be multiples of {@link #DIRECT_ALIGNMENT}; chunks are read into aligned buffers (no staging copy), and the
 * last one, whatever the region's length, is read in whole blocks and cut to size. (The inputs of {@code open}
 * open their file without it.)
 */
public final class ChunkedAioFile implements ChunkedInput<ByteBuf> {
    /** The chunk size of the constructors that take none: 64 KiB. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    /** The number of chunks read ahead when not given: 2. */
    public static final int DEFAULT_READ_AHEAD = 2;
    /**
     * The alignment of offsets, chunk sizes and read lengths for files opened with
     * {@link io.github.nettyaio.sys.AioOpenOption#DIRECT}: 4096 (safe for every common device).
     */
    public static final int DIRECT_ALIGNMENT = AlignedBuffers.DIRECT_ALIGNMENT;
    /** {@link #endOffset} before the open of an input of {@link #open} without a length. */
    private static final long UNKNOWN = -1;

    private final Channel channel;
    /** The file; for an input of {@link #open}, null until it is open (set on {@link #owner}). */
    private volatile AioFile file;
    /** The path an input of {@link #open} opens (for messages); else null. */
    private final Path path;
    private final long startOffset;
    /** The end of the region; {@link #UNKNOWN} until the open of an input of {@link #open} without a length. */
    private volatile long endOffset;
    private final int chunkSize;
    private final int readAhead;
    /** The file is open with O_DIRECT: reads are aligned, into aligned buffers. */
    private boolean direct;
    /** This input closes {@link #file} ({@link #open}, {@link #owning}). */
    private final boolean owns;
    /**
     * The file is open and the region known: reads may be issued. Always true for the inputs of the constructors;
     * set once, on {@link #owner}, when the open of an input of {@link #open} succeeds.
     */
    private volatile boolean ready;
    /** Set by the one call that closes an owned {@link #file}. */
    private final AtomicBoolean fileClosed = new AtomicBoolean();
    /** The open of an input of {@link #open} (cancelled when the input is closed before it completes); or null. */
    private volatile Future<AioFile> opening;
    /** The future of {@link #openAsync}, completed once the open has; or null. */
    private Promise<ChunkedAioFile> opened;
    /** Closes an input that owns its file when the channel closes (removed once there is nothing to close). */
    private final ChannelFutureListener closeWithChannel;

    /** The channel's loop, where the state lives. */
    private final EventLoop owner;
    /**
     * Reads issued and chunks read, in file order; only touched on {@link #owner} (or, once it has terminated, by
     * the one {@link #close0} that wins {@link #closed}).
     */
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    /** Where the next read starts. */
    private long nextReadOffset;
    /** Bytes handed out by {@link #readChunk}. */
    private volatile long progress;
    /** Set once, by the {@link #close0} that then releases {@link #slots}. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** {@link #readChunk} returned null for lack of a completed chunk: the next head completion resumes. */
    private boolean waiting;
    /** Inside {@link #readChunk}: a completion delivered inline must not resume the transfer re-entrantly. */
    private boolean inReadChunk;
    /** {@link #fillTask} is queued on {@link #owner}. */
    private boolean fillScheduled;
    private final Runnable fillTask = () -> {
        fillScheduled = false;
        fillReadAhead();
    };
    /** Completed once the first chunk is read (or can't be): see {@link #prefetch()}; null until asked for. */
    private Promise<Void> firstChunk;
    /** The failure already thrown by {@link #readChunk} (or the open's), thrown again by later calls. */
    private Throwable failure;

    /**
     * Streams all of {@code file} (its size now) in chunks of {@link #DEFAULT_CHUNK_SIZE}; does not close the file.
     *
     * @throws IOException           the file's size can't be read (e.g. it is closed)
     * @throws IllegalStateException the channel is not registered to an event loop yet
     */
    public ChunkedAioFile(Channel channel, AioFile file) throws IOException {
        this(channel, file, DEFAULT_CHUNK_SIZE);
    }

    /**
     * Streams all of {@code file} (its size now) in chunks of {@code chunkSize} bytes; does not close the file.
     *
     * @throws IOException           the file's size can't be read (e.g. it is closed)
     * @throws IllegalStateException the channel is not registered to an event loop yet
     */
    public ChunkedAioFile(Channel channel, AioFile file, int chunkSize) throws IOException {
        this(channel, file, 0, Objects.requireNonNull(file, "file").size(), chunkSize);
    }

    /**
     * Streams {@code length} bytes of {@code file} from {@code offset} in chunks of {@code chunkSize} bytes
     * (the last one may be shorter), reading {@link #DEFAULT_READ_AHEAD} chunks ahead.
     *
     * @param channel   the channel the chunks are written to: its allocator provides the (direct) chunk buffers,
     *                  its loop runs this input, its {@code ChunkedWriteHandler} is resumed
     * @param file      the file, on any event loop; not closed by this input
     * @throws IllegalArgumentException negative {@code offset} or {@code length}, {@code chunkSize <= 0}, or
     *                                  {@code offset + length} overflowing
     * @throws IllegalStateException    the channel is not registered to an event loop yet
     */
    public ChunkedAioFile(Channel channel, AioFile file, long offset, long length, int chunkSize) {
        this(channel, file, offset, length, chunkSize, DEFAULT_READ_AHEAD);
    }

    /**
     * As {@link #ChunkedAioFile(Channel, AioFile, long, long, int)}, reading up to {@code readAhead} chunks
     * ahead of the socket (reads in flight plus chunks read and not yet taken).
     *
     * @throws IllegalArgumentException as there, or {@code readAhead <= 0}
     * @throws IllegalStateException    the channel is not registered to an event loop yet
     */
    public ChunkedAioFile(Channel channel, AioFile file, long offset, long length, int chunkSize, int readAhead) {
        this(channel, Objects.requireNonNull(file, "file"), null, offset, checkLength(length), chunkSize, readAhead,
                false);
    }

    /**
     * The one constructor: an input over {@code file}, or (when it is null) over the file at {@code path}, which
     * the caller opens ({@link #startOpen}); {@code length} may then be {@link #UNKNOWN}.
     */
    private ChunkedAioFile(Channel channel, AioFile file, Path path, long offset, long length, int chunkSize,
                           int readAhead, boolean owns) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.owner = channel.eventLoop();
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset: " + offset);
        }
        if (length != UNKNOWN && offset + length < 0) {
            throw new IllegalArgumentException("offset + length overflows: " + offset + " + " + length);
        }
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
        }
        if (readAhead <= 0) {
            throw new IllegalArgumentException("readAhead must be positive: " + readAhead);
        }
        if (file != null) {
            this.direct = file.fd() instanceof PosixFileDescriptor && ((PosixFileDescriptor) file.fd()).isDirect();
            if (direct && (offset % DIRECT_ALIGNMENT != 0 || chunkSize % DIRECT_ALIGNMENT != 0)) {
                throw new IllegalArgumentException(file + " is open with O_DIRECT: offset (" + offset
                        + ") and chunkSize (" + chunkSize + ") must be multiples of " + DIRECT_ALIGNMENT);
            }
        }
        this.file = file;
        this.path = path;
        this.startOffset = offset;
        this.endOffset = length == UNKNOWN ? UNKNOWN : offset + length;
        this.chunkSize = chunkSize;
        this.readAhead = readAhead;
        this.nextReadOffset = offset;
        this.owns = owns;
        this.ready = file != null;
        this.closeWithChannel = owns ? f -> close() : null;
    }

    private static long checkLength(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
        return length;
    }

    /**
     * Opens the file at {@code path} for reading and streams all of it (its size once open) in chunks of
     * {@link #DEFAULT_CHUNK_SIZE}; the input owns the file. Returns at once: the open runs on netty-aio's blocking
     * pool, and {@link #length()} is -1 until it has completed (see the class description; for a
     * {@code Content-Length}, use {@link #openAsync(Channel, Path)}). A failed open fails the write of this input.
     *
     * <pre>{@code
     * ctx.writeAndFlush(ChunkedAioFile.open(ctx.channel(), path));    // the file is closed when the write ends
     * }</pre>
     *
     * @param channel the channel the chunks are written to (registered); the file is opened for I/O on its event
     *                loop, with the engine {@link AioEngine#AUTO} picks
     * @throws IllegalStateException the channel is not registered to an event loop yet
     */
    public static ChunkedAioFile open(Channel channel, Path path) {
        return open(channel, path, DEFAULT_CHUNK_SIZE);
    }

    /**
     * As {@link #open(Channel, Path)}, in chunks of {@code chunkSize} bytes.
     *
     * @throws IllegalArgumentException {@code chunkSize <= 0}
     * @throws IllegalStateException    the channel is not registered to an event loop yet
     */
    public static ChunkedAioFile open(Channel channel, Path path, int chunkSize) {
        return start(channel, path, 0, UNKNOWN, chunkSize, false);
    }

    /**
     * As {@link #open(Channel, Path)}, streaming {@code length} bytes from {@code offset} (known at once, before
     * the open) in chunks of {@code chunkSize} bytes; a file that ends before {@code offset + length} fails the
     * write with an {@link EOFException} once the transfer gets there.
     *
     * @throws IllegalArgumentException negative {@code offset} or {@code length}, {@code chunkSize <= 0}, or
     *                                  {@code offset + length} overflowing
     * @throws IllegalStateException    the channel is not registered to an event loop yet
     */
    public static ChunkedAioFile open(Channel channel, Path path, long offset, long length, int chunkSize) {
        return start(channel, path, offset, checkLength(length), chunkSize, false);
    }

    /**
     * Opens the file at {@code path} for reading, like {@link #open(Channel, Path)}, and returns a future that
     * completes <b>on the channel's event loop</b> with the input once the file is open and its size known
     * ({@link #length()}: the whole file), ready to be written; the input owns the file. The future fails with
     * the open's exception (e.g. {@link java.nio.file.NoSuchFileException}), or with a
     * {@link ClosedChannelException} when the input was closed first (by the channel closing, say); cancelling it
     * closes the input, and with it the file once open. An input handed out by the future and then not written
     * must be closed (or is, with its file, when the channel closes).
     *
     * @throws IllegalStateException the channel is not registered to an event loop yet
     */
    public static Future<ChunkedAioFile> openAsync(Channel channel, Path path) {
        return openAsync(channel, path, DEFAULT_CHUNK_SIZE);
    }

    /**
     * As {@link #openAsync(Channel, Path)}, in chunks of {@code chunkSize} bytes.
     *
     * @throws IllegalArgumentException {@code chunkSize <= 0}
     * @throws IllegalStateException    the channel is not registered to an event loop yet
     */
    public static Future<ChunkedAioFile> openAsync(Channel channel, Path path, int chunkSize) {
        return start(channel, path, 0, UNKNOWN, chunkSize, true).opened;
    }

    /**
     * As {@link #openAsync(Channel, Path)}, for {@code length} bytes from {@code offset} in chunks of
     * {@code chunkSize} bytes (the future still waits for the open, so that an open failure is known before
     * anything is written).
     *
     * @throws IllegalArgumentException negative {@code offset} or {@code length}, {@code chunkSize <= 0}, or
     *                                  {@code offset + length} overflowing
     * @throws IllegalStateException    the channel is not registered to an event loop yet
     */
    public static Future<ChunkedAioFile> openAsync(Channel channel, Path path, long offset, long length,
                                                   int chunkSize) {
        return start(channel, path, offset, checkLength(length), chunkSize, true).opened;
    }

    /**
     * An input streaming {@code length} bytes of {@code file} from {@code offset} in chunks of {@code chunkSize}
     * bytes that takes {@code file} over: it closes the file exactly once, as the inputs of {@link #open} do (at
     * the end of the region, when closed, or when the channel closes). For a file opened with options or an
     * engine of your choice, or checked before it is served. If this method throws, the file is not taken over.
     *
     * @throws IllegalArgumentException as {@link #ChunkedAioFile(Channel, AioFile, long, long, int)}
     * @throws IllegalStateException    the channel is not registered to an event loop yet
     */
    public static ChunkedAioFile owning(Channel channel, AioFile file, long offset, long length, int chunkSize) {
        ChunkedAioFile in = new ChunkedAioFile(channel, Objects.requireNonNull(file, "file"), null, offset,
                checkLength(length), chunkSize, DEFAULT_READ_AHEAD, true);
        in.watchChannel();
        if (length == 0) {
            in.releaseFile();                // nothing to read
        }
        return in;
    }

    /** A new input over the file at {@code path}, its open started; with {@link #opened} when {@code future}. */
    private static ChunkedAioFile start(Channel channel, Path path, long offset, long length, int chunkSize,
                                        boolean future) {
        Objects.requireNonNull(path, "path");
        ChunkedAioFile in = new ChunkedAioFile(channel, null, path, offset, length, chunkSize, DEFAULT_READ_AHEAD,
                true);
        if (future) {
            Promise<ChunkedAioFile> p = in.owner.newPromise();
            in.opened = p;
            p.addListener(f -> {
                if (f.isCancelled()) {
                    in.close();
                }
            });
        }
        in.watchChannel();
        in.startOpen();
        return in;
    }

    /** Opens {@code path} for reading on {@code loop} without blocking the caller; completes on {@code loop}. */
    private static Future<AioFile> openFile(EventLoop loop, Path path) {
        return AioFile.openAsync(loop, path, StandardOpenOption.READ);
    }

    /** An owning input closes itself (and its file) when the channel closes. */
    private void watchChannel() {
        channel.closeFuture().addListener(closeWithChannel);
    }

    private void startOpen() {
        if (closed.get()) {
            return;                          // the channel was closed already
        }
        Future<AioFile> f;
        try {
            f = openFile(owner, path);
        } catch (RuntimeException e) {
            f = owner.newFailedFuture(e);
        }
        opening = f;
        LoopHop.whenDone(f, owner, this::onOpened, done -> {
            if (done.isSuccess()) {
                done.getNow().closeAsync(); // the channel's loop is gone: nothing will read it
            }
        });
    }

    /** On the channel's loop: the open of an input of {@link #open} completed (or failed, or was cancelled). */
    private void onOpened(Future<AioFile> f) {
        opening = null;
        Promise<ChunkedAioFile> future = opened;
        if (closed.get()) {
            if (f.isSuccess()) {
                f.getNow().closeAsync();     // closed before the open completed; never assigned to file
            }
            return;                          // readChunk throws ClosedChannelException; close0 failed `opened`
        }
        if (f.isSuccess()) {
            AioFile open = f.getNow();
            try {
                if (endOffset == UNKNOWN) {
                    endOffset = startOffset + open.size();
                }
                direct = open.fd() instanceof PosixFileDescriptor && ((PosixFileDescriptor) open.fd()).isDirect();
                file = open;
                ready = true;
            } catch (IOException | RuntimeException e) {
                open.closeAsync();
                failure = e;
            }
        } else {
            failure = f.cause();
        }
        if (failure != null) {
            removeChannelWatch();            // nothing to close any more
        } else if (endOffset == startOffset) {
            releaseFile();                   // an empty region: nothing to read
        }
        boolean readyNow = true;
        if (ready && (firstChunk != null || waiting)) {
            boolean nested = inReadChunk;
            inReadChunk = true;              // a completion delivered inline must not resume the transfer here
            try {
                fillReadAhead();
                Slot head = slots.peek();
                readyNow = head == null || head.done;
            } catch (Throwable t) {
                // e.g. no memory for a chunk: readChunk tries again and throws it, where the write can fail.
            } finally {
                inReadChunk = nested;
            }
        }
        if (readyNow) {
            Promise<Void> first = firstChunk;
            if (first != null) {
                first.trySuccess(null);
            }
            if (waiting) {
                waiting = false;
                resume();
            }
        }
        if (future != null) {
            if (failure != null) {
                future.tryFailure(failure);
            } else if (!future.trySuccess(this)) {
                close();                     // cancelled meanwhile
            }
        }
    }

    /** Closes an owned file, once; and stops watching the channel, as there is nothing left to close. */
    private void releaseFile() {
        AioFile f = file;
        if (owns && f != null && fileClosed.compareAndSet(false, true)) {
            f.closeAsync();
            removeChannelWatch();
        }
    }

    private void removeChannelWatch() {
        if (closeWithChannel != null) {
            channel.closeFuture().removeListener(closeWithChannel);
        }
    }

    /** The file offset the region starts at. */
    public long startOffset() {
        return startOffset;
    }

    /**
     * The file offset the region ends at (exclusive); -1 until the file is open for an input of
     * {@link #open(Channel, Path)} without a length.
     */
    public long endOffset() {
        return endOffset;
    }

    /** The file offset of the next byte {@link #readChunk} will hand out. */
    public long currentOffset() {
        return startOffset + progress;
    }

    /** The size of the chunks (the last one may be shorter). */
    public int chunkSize() {
        return chunkSize;
    }

    /** How many chunks are read ahead at most. */
    public int readAhead() {
        return readAhead;
    }

    /**
     * The file read: closed by this input only if it owns it ({@link #open}, {@link #owning}); for an input of
     * {@link #open}, null until the file is open (and also if the open failed or the input was closed first).
     */
    public AioFile file() {
        return file;
    }

    /**
     * True once every byte of the region has been handed out, which for an input of {@link #open} needs the open to
     * have succeeded (even for an empty region). Closing does not end the input (a closed input that has not ended
     * fails the write; see the class description).
     */
    @Override
    public boolean isEndOfInput() {
        return ready && progress == endOffset - startOffset;
    }

    /**
     * Releases the chunks read ahead and cancels reads in flight (or the open); closes the file if this input owns
     * it (once its reads have completed), else leaves it open. Idempotent, and callable from any thread: off the
     * channel's loop it is handed to that loop (and takes effect there, after this method returned); once that
     * loop rejects tasks, it takes effect when the loop has terminated (at once if it has), unless the loop closed
     * this input first. A transfer suspended on this input is resumed, so that {@code ChunkedWriteHandler} fails
     * its write with the {@link ClosedChannelException} of {@link #readChunk}.
     */
    @Override
    public void close() {
        if (closed.get()) {
            return;
        }
        if (owner.inEventLoop()) {
            close0();
            return;
        }
        try {
            owner.execute(this::close0);
        } catch (RejectedExecutionException e) {
            closeOnceTerminated();
        }
    }

    /**
     * The channel's loop rejects tasks: it is shutting down, but may still run the tasks it holds (and close this
     * input itself, e.g. through {@code ChunkedWriteHandler} as it closes the channel), so the state is not ours
     * to touch until it has terminated. Then nothing runs there any more: close from here (a no-op if the loop
     * closed first). Reads still in flight release their buffers themselves (the orphan path of fillReadAhead).
     */
    private void closeOnceTerminated() {
        if (owner.isTerminated()) {
            close0();
        } else {
            owner.terminationFuture().addListener(f -> close0());
        }
    }

    /** On the channel's loop, or once it has terminated: only the first call releases the slots. */
    private void close0() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean resume = waiting;
        waiting = false;
        for (Slot s; (s = slots.poll()) != null; ) {
            if (s.done) {
                s.release();
            } else {
                s.abandoned = true;          // its completion releases the buffer
                s.future.cancel(false);
            }
        }
        Future<AioFile> open = opening;
        if (open != null) {
            open.cancel(false);              // closes the file once open; else onOpened closes it
        }
        releaseFile();                       // after its reads were given up; they complete before the close(2)
        removeChannelWatch();
        Promise<ChunkedAioFile> future = opened;
        if (future != null) {
            future.tryFailure(new ClosedChannelException());
        }
        Promise<Void> first = firstChunk;
        if (first != null) {
            first.trySuccess(null);          // after the slots: its listeners find the input closed
        }
        if (resume) {
            // The transfer is suspended on this input: resume it so that readChunk fails it. Not inline: when
            // ChunkedWriteHandler itself closes (on a failed write, or discarding on channelInactive), re-entering
            // it would fail the promise with our ClosedChannelException instead of its own cause.
            try {
                owner.execute(this::resume);
            } catch (RejectedExecutionException e) {
                // The loop is going: it closes the channel, and ChunkedWriteHandler fails the write (not ended).
            }
        }
    }

    /**
     * Starts reading ahead now, as the first {@link #readChunk} would, and returns a future that succeeds once
     * the first chunk is in memory, so that {@code readChunk} will return it at once. A server that writes a
     * response's headers only then sends them in the same flush (and TLS record run) as the first chunk, rather
     * than alone one loop round earlier. The future also succeeds when that read failed (the failure is thrown
     * by {@code readChunk}, as always), when the region is empty and when this input is closed; it never fails.
     * Calling it again returns the same future. For an input of {@link #open} still opening, reading starts
     * once the file is open, and a failed open succeeds the future too.
     *
     * <p>Must be called on the channel's event loop; the future completes there. If that loop shuts down
     * before the first read completes, the future's listeners may never run (no loop is left to run them):
     * whoever holds the input then closes it, as for any input not yet handed to {@code ChunkedWriteHandler}.
     *
     * @throws IllegalStateException called off the channel's event loop
     */
    public Future<Void> prefetch() {
        if (!owner.inEventLoop()) {
            throw new IllegalStateException("prefetch must be called on " + owner + ", the event loop of "
                    + channel);
        }
        if (firstChunk == null) {
            firstChunk = owner.newPromise();
            if (!ready) {
                if (failure != null || closed.get()) {
                    firstChunk.trySuccess(null);
                }
                return firstChunk;           // else the open's completion starts reading and completes it
            }
            boolean nested = inReadChunk;
            inReadChunk = true;              // a completion delivered inline must not resume the transfer here
            try {
                if (!fillScheduled) {
                    fillReadAhead();
                }
            } catch (Throwable t) {
                // e.g. no memory for a chunk: readChunk tries again and throws it, where the write can fail.
                firstChunk.trySuccess(null);
            } finally {
                inReadChunk = nested;
            }
            Slot head = slots.peek();
            if (head == null && nextReadOffset >= endOffset || head != null && head.done || closed.get()) {
                firstChunk.trySuccess(null);
            }
        }
        return firstChunk;
    }

    /**
     * @deprecated use {@link #readChunk(ByteBufAllocator)}
     */
    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    /**
     * The next chunk, or {@code null} when it is not read yet (the transfer is then resumed when it is) or at
     * the end of the input. Must be called on the channel's event loop. Chunks are allocated from the channel's
     * allocator, not {@code allocator}.
     *
     * @throws ClosedChannelException this input was closed before its end
     * @throws IllegalStateException  called off the channel's event loop (of its construction)
     * @throws Exception              the failure of the open (inputs of {@link #open}) or of the read of this
     *                                chunk (see the class description), again on every later call
     */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (!owner.inEventLoop()) {
            throw new IllegalStateException("readChunk must be called on " + owner + ", the event loop of "
                    + channel);
        }
        if (failure != null) {
            throw asException(failure);
        }
        if (closed.get()) {
            if (isEndOfInput()) {
                return null;                 // nothing was cut off
            }
            throw new ClosedChannelException();
        }
        if (!ready) {
            waiting = true;                  // the open's completion resumes the transfer (or fails it)
            return null;
        }
        inReadChunk = true;
        try {
            if (!fillScheduled) {
                fillReadAhead();             // else the scheduled refill issues the reads, after this round
            }
            Slot head = slots.peek();
            if (head == null) {
                if (nextReadOffset < endOffset) {
                    waiting = true;          // the scheduled refill's first read resumes the transfer
                } else {
                    releaseFile();           // end of input
                }
                return null;
            }
            if (!head.done) {
                waiting = true;
                return null;
            }
            slots.poll();
            if (head.cause != null) {
                failure = head.cause;
                throw asException(failure);
            }
            ByteBuf chunk = head.buf;
            head.buf = null;
            progress += chunk.readableBytes();
            if (startOffset + progress == endOffset) {
                releaseFile();               // the last chunk: no read is left in flight
            } else {
                scheduleFill();
            }
            return chunk;
        } finally {
            inReadChunk = false;
        }
    }

    private static Exception asException(Throwable t) {
        if (t instanceof Exception) {
            return (Exception) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new IOException(t);
    }

    /**
     * Refills the read-ahead once the current round of the loop has queued its socket writes: the chunk just
     * handed out (and those of other channels on the loop) are then sent before the next reads are issued, so a
     * loop submitting many sends and reads at once sends first.
     */
    private void scheduleFill() {
        if (!fillScheduled) {
            fillScheduled = true;
            try {
                owner.execute(fillTask);
            } catch (RejectedExecutionException e) {
                fillScheduled = false;       // the loop is going: no more reads; a later readChunk refills inline
            }
        }
    }

    /** Issues reads until {@code readAhead} chunks are in flight or held, or the region is covered. */
    private void fillReadAhead() {
        while (ready && !closed.get() && slots.size() < readAhead && nextReadOffset < endOffset) {
            int n = (int) Math.min(chunkSize, endOffset - nextReadOffset);
            long position = nextReadOffset;
            nextReadOffset += n;
            Slot slot = new Slot(newBuffer(n), position, n);
            slots.add(slot);
            Future<Integer> f = file.readFully(slot.buf, position);
            slot.future = f;
            LoopHop.whenDone(f, owner, done -> onRead(slot, done), done -> slot.release());
        }
    }

    /**
     * A direct buffer from the channel's allocator for a chunk of {@code n} bytes: exactly {@code n}, or for an
     * O_DIRECT file {@code n} rounded up to {@link #DIRECT_ALIGNMENT}, at an aligned address (the read of the
     * last chunk then asks for whole blocks and the surplus is cut off).
     */
    private ByteBuf newBuffer(int n) {
        if (!direct) {
            return channel.alloc().directBuffer(n, n);
        }
        int aligned = (n + DIRECT_ALIGNMENT - 1) & -DIRECT_ALIGNMENT;
        return AlignedBuffers.allocate(channel.alloc(), DIRECT_ALIGNMENT, aligned);
    }

    /** On the channel's loop: a read completed (successfully, failed or cancelled). */
    private void onRead(Slot slot, Future<Integer> f) {
        if (slot.abandoned) {
            slot.release();
            return;
        }
        slot.done = true;
        if (f.isSuccess()) {
            int n = f.getNow();
            int expected = slot.length;
            if (n > expected) {              // O_DIRECT: whole blocks were read past the region's end
                slot.buf.writerIndex(slot.buf.readerIndex() + expected);
            } else if (n != expected) {
                slot.cause = new EOFException(file + " ends before offset " + (slot.position + expected)
                        + ": read " + Math.max(n, 0) + " of " + expected + " bytes at offset " + slot.position
                        + " (the region is [" + startOffset + ", " + endOffset + "))");
            }
        } else {
            slot.cause = f.cause();
        }
        if (slot.cause != null) {
            slot.release();
        }
        if (firstChunk != null && slots.peek() == slot) {
            firstChunk.trySuccess(null);
        }
        if (waiting && !inReadChunk && slots.peek() == slot) {
            waiting = false;
            resume();
        }
    }

    private void resume() {
        ChunkedWriteHandler handler = channel.pipeline().get(ChunkedWriteHandler.class);
        if (handler != null) {
            handler.resumeTransfer();
        } else {
            channel.flush();
        }
    }

    /**
     * Bytes in the region; -1 (unknown) until the file is open for an input of {@link #open(Channel, Path)}
     * without a length, then the file's size at the open.
     */
    @Override
    public long length() {
        long end = endOffset;
        return end == UNKNOWN ? -1 : end - startOffset;
    }

    /** Bytes handed out so far. */
    @Override
    public long progress() {
        return progress;
    }

    @Override
    public String toString() {
        AioFile f = file;
        long end = endOffset;
        return "ChunkedAioFile(" + (f != null ? f : path + (failure != null ? " (open failed)" : " (opening)"))
                + ", [" + startOffset + ", " + (end == UNKNOWN ? "?" : Long.toString(end)) + "), chunk " + chunkSize
                + ", read-ahead " + readAhead + ", progress " + progress + (owns ? ", owns the file" : "")
                + (closed.get() ? ", closed" : "") + ")";
    }

    /** One read: its buffer (until handed out or released), its future and its outcome. */
    private static final class Slot {
        final long position;
        /** The chunk's length (its buffer may be larger, for O_DIRECT). */
        final int length;
        ByteBuf buf;
        Future<Integer> future;
        boolean done;
        boolean abandoned;
        Throwable cause;

        Slot(ByteBuf buf, long position, int length) {
            this.buf = buf;
            this.position = position;
            this.length = length;
        }

        void release() {
            ByteBuf b = buf;
            if (b != null) {
                buf = null;
                b.release();
            }
        }
    }
}

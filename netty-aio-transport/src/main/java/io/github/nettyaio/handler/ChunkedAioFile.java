/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import static io.github.nettyaio.handler.ChunkedAioFileReader.checkLength;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
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
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

// Over 400 lines: about 175 lines of code; the rest documents the public constructors and factories.
/**
 * A {@link ChunkedInput} that streams a region of a file chunk by chunk without ever blocking the event loop: the
 * asynchronous counterpart of Netty's {@code ChunkedFile} and {@code ChunkedNioFile}, for
 * {@link ChunkedWriteHandler} and {@code HttpChunkedInput}. Use it where a {@code FileRegion} (sendfile) can't
 * be: over TLS, or when the response is compressed. {@link #open} and {@link #openAsync} open the file themselves
 * and own it, as {@link #owning} does with a file you opened; the constructors stream an {@link AioFile} you keep.
 *
 * <pre>{@code
 * // in a handler behind AioFilePipelines.addFileServing(pipeline), on the channel's event loop:
 * ChunkedAioFile.openAsync(ctx.channel(), path).addListener((Future<ChunkedAioFile> f) -> {
 *     if (!f.isSuccess()) {                            // e.g. NoSuchFileException
 *         ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND));
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
 * <p>The channel's event loop at construction (the channel must be registered) runs this input: {@link #readChunk}
 * and {@link #prefetch} are called there; {@link #open}, {@link #openAsync} and {@link #close} may be called from
 * any thread, and the file may belong to any loop (its completions are moved to the channel's). A failed open or
 * read is thrown by {@code readChunk}, so {@code ChunkedWriteHandler} fails the write's promise with it.
 *
 * <p>It is critical to cancel a transfer by closing the input, not by cancelling the write's future:
 * {@code ChunkedWriteHandler} (Netty 4.2) then drops the input without closing it, so an input that does not own
 * its file keeps its chunks read ahead until closed. A closed input that has not ended fails the write, so under
 * {@code HttpChunkedInput} the client never sees a truncated body as complete.
 */
public final class ChunkedAioFile implements ChunkedInput<ByteBuf> {
    /** The chunk size of the constructors that take none: 64 KiB. */
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    /** The number of chunks read ahead when not given: 2. */
    public static final int DEFAULT_READ_AHEAD = 2;
    /**
     * The alignment of offsets, chunk sizes and read lengths for files opened with
     * {@link io.github.nettyaio.sys.AioOpenOption#DIRECT}: 4096 (safe for every common device). Chunks of such a
     * file are read into aligned buffers (no staging copy), and the last one, whatever the region's length, is
     * read in whole blocks and cut to size. (The inputs of {@code open} open their file without it.)
     */
    public static final int DIRECT_ALIGNMENT = AlignedBuffers.DIRECT_ALIGNMENT;
    /** {@link #endOffset} before the open of an input of {@link #open} without a length. */
    static final long UNKNOWN = -1;

    // The state below is shared with the reader and the ownership; it lives on owner, the channel's loop.
    final Channel channel;
    final EventLoop owner;
    /** The path an input of {@link #open} opens (for messages); else null. */
    final Path path;
    final long startOffset;
    /** The end of the region; {@link #UNKNOWN} until the open of an input of {@link #open} without a length. */
    volatile long endOffset;
    final int chunkSize;
    final int readAhead;
    /** The file; for an input of {@link #open}, null until it is open. */
    volatile AioFile file;
    /** The file is open with O_DIRECT: reads are aligned, into aligned buffers. */
    boolean oDirect;
    /** The file is open and the region known, so reads may be issued (set once, for an input of {@code open}). */
    volatile boolean ready;
    /** Bytes handed out by {@link #readChunk}. */
    volatile long progress;
    /** Set once, by the close that then drops the reads ({@link ChunkedAioFileReader#close()}). */
    final AtomicBoolean closed = new AtomicBoolean();
    /** The failure already thrown by {@link #readChunk} (or the open's), thrown again by later calls. */
    Throwable failure;
    final ChunkedAioFileReader reader;
    /** The file this input owns ({@link #open}, {@link #owning}); null if it does not own it. */
    final ChunkedAioFileOwnership ownership;

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
     * (the last one may be shorter), reading {@link #DEFAULT_READ_AHEAD} chunks ahead. The input never closes
     * {@code file}, so one open file may serve many inputs; close it yourself once the writes are done.
     *
     * @param channel   the channel the chunks are written to: its allocator provides the (direct) chunk buffers,
     *                  its loop runs this input, its {@code ChunkedWriteHandler} is resumed
     * @param file      the file, on any event loop; not closed by this input. Opened with
     *                  {@link io.github.nettyaio.sys.AioOpenOption#DIRECT}, {@code offset} and {@code chunkSize}
     *                  must be multiples of {@link #DIRECT_ALIGNMENT}
     * @throws IllegalArgumentException negative {@code offset} or {@code length}, {@code chunkSize <= 0},
     *                                  {@code offset + length} overflowing, or O_DIRECT alignment not met
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
                false, null);
    }

    /**
     * The one constructor: an input over {@code file}, or (when it is null) over the file at {@code path}, which
     * the caller opens ({@link ChunkedAioFileOwnership#startOpen}); {@code length} may then be {@link #UNKNOWN}.
     */
    ChunkedAioFile(Channel channel, AioFile file, Path path, long offset, long length, int chunkSize, int readAhead,
                   boolean owns, Promise<ChunkedAioFile> opened) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.owner = channel.eventLoop();
        this.oDirect = ChunkedAioFileReader.checkRegion(file, offset, length, chunkSize, readAhead);
        this.file = file;
        this.path = path;
        this.startOffset = offset;
        this.endOffset = length == UNKNOWN ? UNKNOWN : offset + length;
        this.chunkSize = chunkSize;
        this.readAhead = readAhead;
        this.ready = file != null;
        this.reader = new ChunkedAioFileReader(this, offset);
        this.ownership = owns ? new ChunkedAioFileOwnership(this, opened) : null;
    }

    /**
     * Opens the file at {@code path} for reading and streams all of it (its size once open) in chunks of
     * {@link #DEFAULT_CHUNK_SIZE}. The input owns the file: it closes it exactly once, as soon as the last byte of
     * the region has been read, the input is {@linkplain #close() closed}, or the channel closes. Returns at once,
     * before the file is open (on netty-aio's blocking pool), and may be written at once: {@code readChunk} returns
     * {@code null} until the open has completed, which resumes the transfer or fails it. {@link #length()} is -1
     * until then; a response that needs a {@code Content-Length} uses {@link #openAsync(Channel, Path)}.
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
        return ChunkedAioFileOwnership.start(channel, path, 0, UNKNOWN, chunkSize, false);
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
        return ChunkedAioFileOwnership.start(channel, path, offset, checkLength(length), chunkSize, false);
    }

    /**
     * Opens the file at {@code path} like {@link #open(Channel, Path)} and returns a future that completes <b>on the
     * channel's event loop</b> with the input (which owns the file) once the file is open and its size known. It
     * fails with the open's exception (e.g. {@link java.nio.file.NoSuchFileException}), or with a
     * {@link ClosedChannelException} when the input was closed first; cancelling it closes the input. An input
     * handed out and then not written must be closed (or is, with its file, when the channel closes).
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
        return ChunkedAioFileOwnership.start(channel, path, 0, UNKNOWN, chunkSize, true).ownership.opened;
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
        return ChunkedAioFileOwnership.start(channel, path, offset, checkLength(length), chunkSize, true)
                .ownership.opened;
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
        return ChunkedAioFileOwnership.owning(channel, file, offset, length, chunkSize);
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
     * have succeeded (even for an empty region, so that an open that fails always fails the write). Closing does not
     * end the input: a closed input that has not ended fails the write. May be called on any thread.
     */
    @Override
    public boolean isEndOfInput() {
        return ready && progress == endOffset - startOffset;
    }

    /**
     * Releases the chunks read ahead and cancels reads in flight (a read's buffer is released once its completion
     * arrives) or the open; closes the file if this input owns it (once its reads have completed). Idempotent, on
     * any thread: off the channel's loop it takes effect there, after this method returned, or, once that loop
     * rejects tasks, when it has terminated; every buffer is released exactly once. A transfer suspended on this
     * input is resumed, so that {@code ChunkedWriteHandler} fails its write with a {@link ClosedChannelException}.
     */
    @Override
    public void close() {
        if (closed.get()) {
            return;
        }
        if (owner.inEventLoop()) {
            reader.close();
            return;
        }
        try {
            owner.execute(reader::close);
        } catch (RejectedExecutionException e) {
            reader.closeOnceTerminated();
        }
    }

    /**
     * Starts reading ahead now, as the first {@link #readChunk} would, and returns a future that succeeds once
     * the first chunk is in memory, so that a server writing a response's headers only then sends them in the same
     * flush as the first chunk. The future also succeeds when that read (or the open) failed, the failure being
     * thrown by {@code readChunk}, when the region is empty and when this input is closed; it never fails. Calling
     * it again returns the same future. Must be called on the channel's event loop, where the future completes; if
     * that loop shuts down first, its listeners may never run, and whoever holds the input closes it.
     *
     * @throws IllegalStateException called off the channel's event loop
     */
    public Future<Void> prefetch() {
        if (!owner.inEventLoop()) {
            throw new IllegalStateException("prefetch must be called on " + owner + ", the event loop of "
                    + channel);
        }
        return reader.prefetch();
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
     * <p>The first call (or {@link #prefetch()}) issues up to {@code readAhead} reads of {@code chunkSize} bytes
     * into direct buffers and returns {@code null}, which suspends the transfer; the completion of the next chunk
     * in file order resumes the first {@code ChunkedWriteHandler} of the pipeline (or flushes the channel when
     * there is none). Each chunk taken schedules the next read after the socket writes of the current loop round.
     * The transfer never stalls and never spins. An {@link EmptyFlushFilter} drops the flushes
     * {@code ChunkedWriteHandler} makes while it waits ({@link AioFilePipelines#addFileServing} sets both up).
     *
     * @throws ClosedChannelException this input was closed before its end
     * @throws IllegalStateException  called off the channel's event loop (of its construction)
     * @throws Exception              the failure of the open (inputs of {@link #open}: the exception of
     *                                {@link AioFile#open}) or of the read of this chunk (an {@code IOException}
     *                                naming the errno, {@link ClosedChannelException} when the file was closed,
     *                                or an {@link EOFException} when the file ends before the region does),
     *                                again on every later call
     */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (!owner.inEventLoop()) {
            throw new IllegalStateException("readChunk must be called on " + owner + ", the event loop of "
                    + channel);
        }
        return reader.readChunk();
    }

    /**
     * Bytes in the region; -1 (unknown, as {@link ChunkedInput#length()} allows) until the file is open for an
     * input of {@link #open(Channel, Path)} without a length, then the file's size at the open. May be called on
     * any thread.
     */
    @Override
    public long length() {
        long end = endOffset;
        return end == UNKNOWN ? -1 : end - startOffset;
    }

    /** Bytes handed out so far. May be called on any thread. */
    @Override
    public long progress() {
        return progress;
    }

    @Override
    public String toString() {
        AioFile open = file;
        long end = endOffset;
        return "ChunkedAioFile(" + (open != null ? open : path + (failure != null ? " (open failed)" : " (opening)"))
                + ", [" + startOffset + ", " + (end == UNKNOWN ? "?" : Long.toString(end)) + "), chunk " + chunkSize
                + ", read-ahead " + readAhead + ", progress " + progress + (ownership != null ? ", owns the file" : "")
                + (closed.get() ? ", closed" : "") + ")";
    }
}

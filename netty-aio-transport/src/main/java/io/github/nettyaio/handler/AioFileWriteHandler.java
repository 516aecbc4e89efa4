/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.internal.Loops;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Stores the inbound bytes of a channel in an {@link AioFile}, without blocking the event loop: every inbound
 * {@link ByteBuf}, and the content of every {@link HttpContent}, is written in arrival order at consecutive
 * positions from {@code startPosition}, and released once written.
 *
 * <p>The file is given ({@link #AioFileWriteHandler(AioFile, long)}), opened by the handler itself
 * ({@link #open(Path, OpenOption...)}, {@link #builder(Path, OpenOption...)}: asynchronously, on the channel's
 * event loop, when the handler is added), or handed over as a {@link Future} that completes with it
 * ({@link #of(Future)}, {@link #builder(Future)}). Until the file is open the input is held: messages are queued
 * (and count towards the water marks, so reading pauses if too much arrives), then written in order. So an
 * upload whose file can only be opened once its request has been seen takes one line, in the handler that sees
 * the request and passes the body's {@link HttpContent}s on:
 *
 * <pre>{@code
 * // ctx: the context of the handler that got the PUT request; the body follows it through this handler
 * AioFileWriteHandler store = AioFileWriteHandler.builder(path, StandardOpenOption.CREATE_NEW)
 *         .deleteOnFailure(true)
 *         .build();
 * ctx.pipeline().addAfter(ctx.name(), "store", store);
 * store.completion().addListener((Future<Long> f) -> ctx.writeAndFlush(new DefaultFullHttpResponse(
 *         HttpVersion.HTTP_1_1, f.isSuccess() ? HttpResponseStatus.CREATED : HttpResponseStatus.CONFLICT)));
 * }</pre>
 *
 * <h2>Messages</h2>
 * <ul>
 * <li>{@link ByteBuf}: written.</li>
 * <li>{@link HttpContent}: its content written; a {@link LastHttpContent} ends the input (its trailing headers
 *     are not passed on). A message that is both an {@link HttpMessage} and content (a {@code FullHttpRequest}
 *     or {@code FullHttpResponse}) has its request or response line and headers passed on as a
 *     {@link DefaultHttpRequest}/{@link DefaultHttpResponse} and its content written. Content whose
 *     {@link DecoderResult} is a failure fails the handler with that cause.</li>
 * <li>Anything else (e.g. an {@link HttpRequest}): passed on down the pipeline, untouched.</li>
 * <li>After the input has ended, every message is passed on untouched; after a failure, {@code ByteBuf}s and
 *     {@code HttpContent}s are released (the failure has already been reported).</li>
 * </ul>
 *
 * <h2>End of input</h2>
 * The input ends at a {@link LastHttpContent}, at a {@link ChannelInputShutdownEvent} (half-closure, with
 * {@code ALLOW_HALF_CLOSURE}), at {@code channelInactive}, or when this handler is removed from the pipeline.
 * The handler then waits for the file to be open and the writes in flight, syncs the file ({@link AioFile#sync()}),
 * closes it if it {@link #ownsFile() owns} it, fires the user event {@link AioFileWriteComplete} to the next
 * handlers and completes {@link #completion()} with the byte count. After {@code channelInactive} or removal, the
 * pipeline may be torn down before that: then only {@link #completion()} is reliable (the event is fired only while
 * this handler is still in the pipeline). Events and {@code channelInactive} are always passed on. An
 * {@code exceptionCaught} from upstream (e.g. a reset connection) is passed on too and does not end the input; the
 * {@code channelInactive} that usually follows does, so a raw byte stream cut short completes with the bytes
 * received. An HTTP body (once an {@link HttpContent} has been seen) must end with its {@link LastHttpContent}: if
 * the input ends otherwise (the connection closed or half-closed, or this handler removed, before it), what was
 * received is still written and synced, then {@link #completion()} fails with a
 * {@link PrematureChannelClosureException} (and {@code exceptionCaught} fires while the handler is in the
 * pipeline).
 *
 * <h2>Backpressure</h2>
 * When more than the high-water mark of bytes is queued (the file still opening included) or being written, the
 * handler holds reading until the bytes in flight are down to the low-water mark or fewer (with a low-water mark
 * of 0: until everything is written) (defaults 1 MiB / 4 MiB), whatever {@code autoRead} was when it was added:
 * if {@code autoRead} is on, it turns it off, and back on when it lets go; and it holds back every
 * {@link ChannelHandlerContext#read() read()} that reaches it meanwhile (those of {@code channel.read()} and of the
 * handlers after it), issuing one when it lets go. A pipeline that reads by hand, or that had turned
 * {@code autoRead} off while the file was being opened, so keeps its backpressure. Reads requested by the handlers
 * in front of it do not pass it and are not held (e.g. a decoder asking for the rest of a message: a bounded
 * overshoot). It lets go at the end of the input, and on failure. At most one write is in flight: messages
 * arriving meanwhile are queued and written together next (one vectored {@link AioFile#write(ByteBuf[], long)} of
 * up to 16 MiB).
 *
 * <h2>Failures</h2>
 * A failed open, write, sync or close fires {@code exceptionCaught} (to the handlers after this one, while it is in
 * the pipeline) with the cause (for the {@link AioFile}'s: an {@link IOException} naming the errno and path; for
 * an open, e.g. {@link java.nio.file.NoSuchFileException}), fails {@link #completion()} with it and releases every
 * message queued; nothing is dropped silently. The handler does not close the channel (do that in
 * {@code exceptionCaught}). With {@link Builder#deleteOnFailure(boolean) deleteOnFailure}, a handler that opened
 * its file deletes it after closing it, when anything failed (the body cut short included), on a thread of its own
 * (never the event loop), before it fails {@link #completion()}; a file whose open failed is left alone (it may be
 * someone else's, e.g. with {@code CREATE_NEW}), and a delete that fails is added to the cause as suppressed.
 *
 * <h2>The file's ownership</h2>
 * A handler given an {@link AioFile} never closes it. A handler that opens its file, or is given a future of one
 * (unless {@link Builder#ownsFile(boolean) ownsFile(false)}), owns it: it closes it once the input is over (after
 * the sync, or after a failure), and completes {@link #completion()} (and fires {@link AioFileWriteComplete}) only
 * once it is closed; a file that opens after the channel has closed or the handler was removed is still written to
 * with what had arrived, synced and closed. A given future must complete, as the handler waits for it before it
 * completes; it is taken over when the handler is added (a handler never added closes nothing).
 *
 * <h2>Threads</h2>
 * All state lives on the channel's event loop; {@link #completion()}'s listeners, {@code exceptionCaught} and
 * {@link AioFileWriteComplete} run there. The file may be on any event loop: its completions (and the given
 * future's) are moved to the channel's. If the channel's loop shuts down with the open, a write or the sync in
 * flight, the messages are released on the thread that completes it, an owned file is closed (and deleted, with
 * {@code deleteOnFailure}) and {@link #completion()} fails with an {@link IOException} (its listeners then run on
 * Netty's {@code GlobalEventExecutor}).
 *
 * <p>Not {@link io.netty.channel.ChannelHandler.Sharable sharable}: one instance per channel and file.
 */
public class AioFileWriteHandler extends ChannelDuplexHandler {
    /** The default water marks: low 1 MiB, high 4 MiB of bytes in flight. */
    public static final WriteBufferWaterMark DEFAULT_WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);
    /** The most bytes one write gathers from queued messages (a larger single message is written alone). */
    private static final long MAX_BATCH = 16 << 20;
    /** The options of {@link #open(Path, OpenOption...)} without any, like {@code Files.newOutputStream}'s. */
    private static final OpenOption[] DEFAULT_OPTIONS = {
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};
    /**
     * Deletes files after failed uploads ({@code deleteOnFailure}), off the event loops: one daemon thread, started
     * on the first delete and gone after 10 s without one.
     */
    private static final ThreadPoolExecutor DELETER = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), new DefaultThreadFactory("netty-aio-delete", true));

    /** The file: given, or once open (volatile for {@link #file()}). */
    private volatile AioFile file;
    /** The future of the file to wait for (given, or of the open this handler starts), else null. */
    private Future<AioFile> fileFuture;
    /** The file this handler opens when added, else null. */
    private final Path path;
    private final OpenOption[] options;
    private final AioEngine engine;
    private final boolean ownsFile;
    private final boolean deleteOnFailure;
    private final long startPosition;
    private final WriteBufferWaterMark waterMark;
    private final ChannelBoundPromise<Long> completion = new ChannelBoundPromise<>();

    private ChannelHandlerContext ctx;
    /** Messages received and not written yet. */
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    /** Bytes queued or being written. */
    private long bytesInFlight;
    /** Bytes written successfully. */
    private long written;
    /** Waiting for {@link #fileFuture}. */
    private boolean opening;
    private boolean writing;
    private boolean ended;
    private boolean inputShutdown;
    /** An HttpContent was seen: the input must end with a LastHttpContent. */
    private boolean http;
    private boolean lastHttpContent;
    private boolean syncing;
    /** Closing (if owned), deleting (if asked) and reporting: the end is under way. */
    private boolean finishing;
    private Throwable failure;
    /** Above the high-water mark: reading is held. */
    private boolean holding;
    /** We turned autoRead off (while holding) and owe turning it back on. */
    private boolean autoReadSuspended;
    /** A read() was held back (while holding) and is owed. */
    private boolean readDeferred;

    /**
     * Writes the input to {@code file} from {@code startPosition}, with {@link #DEFAULT_WATER_MARK}; the file is
     * never closed by this handler.
     *
     * @throws IllegalArgumentException a negative {@code startPosition}
     */
    public AioFileWriteHandler(AioFile file, long startPosition) {
        this(file, startPosition, DEFAULT_WATER_MARK);
    }

    /**
     * Writes the input to {@code file} from {@code startPosition}; reading is held above {@code waterMark.high()}
     * bytes in flight until {@code waterMark.low()} or fewer (0: all is written). The file is never closed by this
     * handler.
     *
     * @throws IllegalArgumentException a negative {@code startPosition}
     */
    public AioFileWriteHandler(AioFile file, long startPosition, WriteBufferWaterMark waterMark) {
        this(Objects.requireNonNull(file, "file"), null, null, null, AioEngine.AUTO, startPosition, waterMark,
                false, false);
    }

    private AioFileWriteHandler(AioFile file, Future<AioFile> fileFuture, Path path, OpenOption[] options,
                                AioEngine engine, long startPosition, WriteBufferWaterMark waterMark,
                                boolean ownsFile, boolean deleteOnFailure) {
        this.waterMark = Objects.requireNonNull(waterMark, "waterMark");
        if (startPosition < 0) {
            throw new IllegalArgumentException("negative startPosition: " + startPosition);
        }
        this.file = file;
        this.fileFuture = fileFuture;
        this.path = path;
        this.options = options;
        this.engine = engine;
        this.startPosition = startPosition;
        this.ownsFile = ownsFile;
        this.deleteOnFailure = deleteOnFailure;
    }

    /**
     * A handler that opens {@code path} when it is added to a pipeline, asynchronously (the {@code open(2)} runs on
     * netty-aio's blocking pool, never on the event loop), on the channel's event loop with {@link AioEngine#AUTO},
     * and writes the input to it from position 0, holding it until the file is open; it owns the file (closes it).
     * {@code WRITE} is implied; no options at all mean {@code CREATE}, {@code TRUNCATE_EXISTING} (as for
     * {@code Files.newOutputStream}). An open failure (e.g. {@link java.nio.file.NoSuchFileException}) fails the
     * handler: see {@link AioFileWriteHandler}. Same as {@code builder(path, options).build()}.
     *
     * @throws IllegalArgumentException {@code APPEND} (the handler writes at explicit positions)
     */
    public static AioFileWriteHandler open(Path path, OpenOption... options) {
        return builder(path, options).build();
    }

    /**
     * A handler that writes the input, from position 0, to the file {@code file} completes with (on any thread),
     * holding it until then, and owns that file (closes it). If {@code file} fails, so does the handler, with that
     * cause. Same as {@code builder(file).build()}.
     */
    public static AioFileWriteHandler of(Future<AioFile> file) {
        return builder(file).build();
    }

    /**
     * A builder of a handler that opens {@code path} (as {@link #open(Path, OpenOption...)} does) when it is added.
     *
     * @throws IllegalArgumentException {@code APPEND} (the handler writes at explicit positions)
     */
    public static Builder builder(Path path, OpenOption... options) {
        Objects.requireNonNull(path, "path");
        Set<OpenOption> opts = new LinkedHashSet<>();
        for (OpenOption o : options.length == 0 ? DEFAULT_OPTIONS : options) {
            if (Objects.requireNonNull(o, "option") == StandardOpenOption.APPEND) {
                throw new IllegalArgumentException("APPEND is not supported: the handler writes at explicit "
                        + "positions");
            }
            opts.add(o);
        }
        opts.add(StandardOpenOption.WRITE);
        return new Builder(path, opts.toArray(new OpenOption[0]), null);
    }

    /** A builder of a handler that writes to the file {@code file} completes with (as {@link #of(Future)}). */
    public static Builder builder(Future<AioFile> file) {
        return new Builder(null, null, Objects.requireNonNull(file, "file"));
    }

    /** Options of a handler that opens its file, or awaits it. */
    public static final class Builder {
        private final Path path;
        private final OpenOption[] options;
        private final Future<AioFile> file;
        private long startPosition;
        private WriteBufferWaterMark waterMark = DEFAULT_WATER_MARK;
        private AioEngine engine = AioEngine.AUTO;
        private boolean deleteOnFailure;
        private boolean ownsFile = true;

        private Builder(Path path, OpenOption[] options, Future<AioFile> file) {
            this.path = path;
            this.options = options;
            this.file = file;
        }

        /**
         * The position the first byte is written at (default 0).
         *
         * @throws IllegalArgumentException a negative position
         */
        public Builder startPosition(long startPosition) {
            if (startPosition < 0) {
                throw new IllegalArgumentException("negative startPosition: " + startPosition);
            }
            this.startPosition = startPosition;
            return this;
        }

        /** The water marks of bytes in flight for holding reads (default {@link #DEFAULT_WATER_MARK}). */
        public Builder waterMark(WriteBufferWaterMark waterMark) {
            this.waterMark = Objects.requireNonNull(waterMark, "waterMark");
            return this;
        }

        /**
         * The engine to open the file with (default {@link AioEngine#AUTO}).
         *
         * @throws IllegalStateException a builder of a handler given a future of its file
         */
        public Builder engine(AioEngine engine) {
            Objects.requireNonNull(engine, "engine");
            if (path == null) {
                throw new IllegalStateException("the engine is chosen by whoever opens the file");
            }
            this.engine = engine;
            return this;
        }

        /**
         * Whether the file, once closed, is deleted when anything fails (default false): the open succeeded but a
         * write, the sync or the close failed, the input was bad or cut short (an HTTP body without its
         * {@link LastHttpContent}), or the channel's loop shut down first.
         *
         * @throws IllegalStateException a builder of a handler given a future of its file (it knows no path)
         */
        public Builder deleteOnFailure(boolean deleteOnFailure) {
            if (path == null && deleteOnFailure) {
                throw new IllegalStateException("deleteOnFailure needs the file's path: build the handler from it");
            }
            this.deleteOnFailure = deleteOnFailure;
            return this;
        }

        /**
         * Whether the handler closes the file its future completes with (default true). A handler that opens its
         * file always owns it.
         *
         * @throws IllegalStateException {@code false} for a builder of a handler that opens its file
         */
        public Builder ownsFile(boolean ownsFile) {
            if (path != null && !ownsFile) {
                throw new IllegalStateException("a handler that opens its file owns it");
            }
            this.ownsFile = ownsFile;
            return this;
        }

        /** A new handler with these options. */
        public AioFileWriteHandler build() {
            return new AioFileWriteHandler(null, file, path, options, engine, startPosition, waterMark, ownsFile,
                    deleteOnFailure);
        }
    }

    /**
     * A future that succeeds, on the channel's event loop, with the number of bytes written once the input has
     * ended and the file is synced (and closed, if the handler owns it); it fails with the first open, write, sync
     * or close error (the file closed, and deleted with {@code deleteOnFailure}, by then), or an
     * {@link IOException} if the channel's loop shuts down first. It can be obtained before the handler is added
     * to a pipeline.
     */
    public Future<Long> completion() {
        return completion;
    }

    /**
     * The file written to: the one given; for a handler that opens its file or awaits it, the file once open (null
     * before, and if the open failed).
     */
    public AioFile file() {
        return file;
    }

    /** Whether this handler closes its file (it opened it, or was given a future of it). */
    public boolean ownsFile() {
        return ownsFile;
    }

    /** The position the first byte is written at. */
    public long startPosition() {
        return startPosition;
    }

    /** The water marks of bytes in flight for holding reads. */
    public WriteBufferWaterMark waterMark() {
        return waterMark;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        completion.bind(ctx.executor());
        if (path != null) {
            fileFuture = openAsync(ctx.channel().eventLoop(), path, engine, options);
        }
        if (fileFuture != null) {
            opening = true;
            LoopHop.whenDone(fileFuture, ctx.executor(), this::opened, this::openOrphaned);
        }
    }

    /** Opens {@code path} for I/O on {@code loop} (BLOCKING where it is no IoEventLoop), without blocking it. */
    private static Future<AioFile> openAsync(EventLoop loop, Path path, AioEngine engine, OpenOption[] options) {
        try {
            return AioFile.openAsync(loop, path, engine, options);
        } catch (RuntimeException e) {
            return loop.newFailedFuture(e);
        }
    }

    private void opened(Future<AioFile> f) {
        opening = false;
        if (f.isSuccess()) {
            file = f.getNow();
        }
        if (failure != null) {
            finish(); // failed while opening: close (and delete) what opened, then report
        } else if (!f.isSuccess()) {
            fail(f.cause());
        } else if (file == null) {
            fail(new NullPointerException("the future of the file completed with null"));
        } else {
            writeNext();
        }
    }

    /** The channel's loop is gone before the file was open (runs on the thread that completed the open). */
    private void openOrphaned(Future<AioFile> f) {
        opening = false;
        if (f.isSuccess()) {
            file = f.getNow();
        }
        abandon(new IOException("the event loop of " + ctx.channel() + " shut down while "
                + (path != null ? path : "the file") + " was being opened",
                f.isSuccess() ? null : f.cause()));
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        endInput();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean content = msg instanceof ByteBuf || HttpInput.isContent(msg);
        if (!content || ended && failure == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failure != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf) {
            enqueue(msg, (ByteBuf) msg);
            return;
        }
        http = true;
        Object head = HttpInput.head(msg);
        if (head != null) {
            ctx.fireChannelRead(head);
        }
        DecoderResult result = ((DecoderResultProvider) msg).decoderResult();
        if (result.isFailure()) {
            ReferenceCountUtil.release(msg);
            fail(result.cause());
            return;
        }
        enqueue(msg, HttpInput.content(msg));
        if (HttpInput.isLast(msg)) {
            lastHttpContent = true;
            endInput();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            endInput();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endInput();
        ctx.fireChannelInactive();
    }

    /** Holds back reads while above the high-water mark; passes them on otherwise. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (holding) {
            readDeferred = true;
            return;
        }
        ctx.read();
    }

    private void enqueue(Object msg, ByteBuf data) {
        int n = data.readableBytes();
        if (n == 0) {
            ReferenceCountUtil.release(msg);
            return;
        }
        queued.add(new Pending(msg, data));
        bytesInFlight += n;
        if (bytesInFlight > waterMark.high()) {
            hold();
        }
        writeNext();
    }

    /** Holds reading: turns autoRead off if it is on (also when turned on again meanwhile); read() is held back. */
    private void hold() {
        holding = true;
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            autoReadSuspended = true;
            config.setAutoRead(false);
        }
    }

    /** Starts the next write of everything queued, or finishes once the input has ended and all is written. */
    private void writeNext() {
        if (writing || syncing || failure != null || file == null) {
            return;
        }
        if (queued.isEmpty()) {
            if (ended) {
                sync();
            }
            return;
        }
        // Everything queued, in one write (up to MAX_BATCH bytes, but at least one message).
        ArrayList<Object> msgs = new ArrayList<>();
        ArrayList<ByteBuf> contents = new ArrayList<>();
        long length = 0;
        while (!queued.isEmpty()) {
            int n = queued.peek().content.readableBytes();
            if (!msgs.isEmpty() && length + n > MAX_BATCH) {
                break;
            }
            Pending next = queued.poll();
            msgs.add(next.msg);
            contents.add(next.content);
            length += n;
        }
        long expected = length;
        writing = true;
        long position = startPosition + written;
        Future<? extends Number> f = contents.size() == 1 ? file.write(contents.get(0), position)
                : file.write(contents.toArray(new ByteBuf[0]), position);
        LoopHop.whenDone(f, ctx.executor(), done -> onWritten(done, msgs, position, expected), done -> orphaned(msgs));
    }

    private void onWritten(Future<? extends Number> f, List<Object> msgs, long position, long expected) {
        for (Object m : msgs) {
            ReferenceCountUtil.release(m);
        }
        writing = false;
        if (!f.isSuccess()) {
            fail(f.cause());
            return;
        }
        long n = f.getNow().longValue();
        if (n != expected) {        // AioFile.write retries short writes: never expected
            fail(new IOException("wrote " + n + " of " + expected + " bytes at " + position + " to " + file));
            return;
        }
        written += n;
        bytesInFlight -= n;
        if (bytesInFlight <= waterMark.low()) {
            releaseHold();
        }
        writeNext();
    }

    /**
     * The channel's loop is gone with a write in flight: nothing runs there any more, so release this write's
     * messages and the queued ones here, and fail the completion.
     */
    private void orphaned(List<Object> msgs) {
        for (Object m : msgs) {
            ReferenceCountUtil.release(m);
        }
        abandon(new IOException("the event loop of " + ctx.channel() + " shut down while writing to " + file));
    }

    /**
     * The channel's loop is gone (runs on another thread, nothing running on the loop any more): releases what is
     * queued, closes an owned file (and deletes it, if asked) and fails the completion.
     */
    private void abandon(Throwable cause) {
        releaseQueued();
        if (failure == null) {
            failure = cause;
        }
        finish();
    }

    private void releaseQueued() {
        for (Pending m; (m = queued.poll()) != null; ) {
            ReferenceCountUtil.release(m.msg);
        }
    }

    private void endInput() {
        if (ended) {
            return;
        }
        ended = true;
        releaseHold(); // what arrives now is not ours: reading is the next handlers' business
        writeNext();
    }

    private void sync() {
        syncing = true;
        LoopHop.whenDone(file.sync(), ctx.executor(), this::onSynced,
                done -> abandon(new IOException("the event loop of " + ctx.channel() + " shut down while syncing "
                        + file)));
    }

    private void onSynced(Future<Void> f) {
        if (!f.isSuccess()) {
            fail(f.cause());
            return;
        }
        if (http && !lastHttpContent) {
            fail(new PrematureChannelClosureException("the HTTP body ended without its LastHttpContent after "
                    + written + " bytes (written and synced to " + file + ")"));
            return;
        }
        finish();
    }

    private void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        releaseQueued();
        bytesInFlight = 0;
        releaseHold();
        if (!ctx.isRemoved()) {
            ctx.fireExceptionCaught(cause);
        }
        finish();
    }

    /**
     * Ends, after the sync or a failure: closes an owned file (once it is open: a file still opening is waited for;
     * writes in flight finish first), deletes it if asked after a failure, then reports. Loop-safe: also runs on
     * another thread once the channel's loop is gone.
     */
    private void finish() {
        if (opening || finishing) {
            return;
        }
        finishing = true;
        AioFile f = file;
        if (!ownsFile || f == null) {
            report();
            return;
        }
        LoopHop.whenDone(f.closeAsync(), ctx.executor(), this::closed, this::closed);
    }

    /** The owned file is closed (or failed to close): deletes it if asked after a failure, then reports. */
    private void closed(Future<Void> f) {
        if (!f.isSuccess()) {
            if (failure == null) {
                failure = f.cause();
                if (canFire()) {
                    ctx.fireExceptionCaught(failure);
                }
            } else if (failure != f.cause()) {
                failure.addSuppressed(f.cause());
            }
        }
        if (failure != null && deleteOnFailure) {
            deleteThenReport();
        } else {
            report();
        }
    }

    /**
     * Deletes {@link #path} on {@link #DELETER}, then fails the completion from there (its listeners still run on
     * the channel's loop: a failure fires no event).
     */
    private void deleteThenReport() {
        Path p = path;
        Throwable cause = failure;
        if (ctx != null && Loops.isThreadless(ctx.executor())) {
            // An EmbeddedChannel's loop takes tasks from its own user only: delete here, on that user's thread.
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
            report();
            return;
        }
        try {
            DELETER.execute(() -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException | RuntimeException e) {
                    cause.addSuppressed(e);
                }
                report();
            });
        } catch (RejectedExecutionException e) {
            cause.addSuppressed(e);
            report();
        }
    }

    /** Completes: the event (on the loop, while in the pipeline) and the completion. Loop-safe. */
    private void report() {
        if (failure != null) {
            completion.tryFailure(failure);
            return;
        }
        if (canFire()) {
            ctx.fireUserEventTriggered(new AioFileWriteComplete(written));
        }
        completion.trySuccess(written);
    }

    /** Whether events may be fired: on the channel's loop, while this handler is in the pipeline. */
    private boolean canFire() {
        return ctx.executor().inEventLoop() && !ctx.isRemoved();
    }

    /** Stops holding reading: autoRead back on if this handler turned it off, else the read held back issued. */
    private void releaseHold() {
        if (!holding) {
            return;
        }
        holding = false;
        boolean owedRead = readDeferred;
        readDeferred = false;
        if (autoReadSuspended) {
            autoReadSuspended = false;
            resumeAutoRead();
        } else if (owedRead && canRead()) {
            if (ctx.isRemoved()) {
                ctx.channel().read();
            } else {
                ctx.read();
            }
        }
    }

    /** Whether a read() may be issued: the channel is active and its input is not shut down. */
    private boolean canRead() {
        Channel ch = ctx.channel();
        return ch.isActive() && !inputShutdown && !(ch instanceof DuplexChannel
                && ((DuplexChannel) ch).isInputShutdown());
    }

    private void resumeAutoRead() {
        Channel ch = ctx.channel();
        if (!inputShutdown && !(ch instanceof DuplexChannel && ((DuplexChannel) ch).isInputShutdown())) {
            ch.config().setAutoRead(true);
            return;
        }
        // Nothing is left to read, but turning autoRead on calls read(): on a half-closed channel, Netty 4.2.18's
        // epoll transport then fails epoll_ctl (ENOENT: it removed the descriptor from the epoll set) and closes
        // the channel. Restore the flag with that read swallowed.
        ChannelPipeline p = ch.pipeline();
        p.addFirst(NoRead.INSTANCE);
        try {
            ch.config().setAutoRead(true);
        } finally {
            p.remove(NoRead.INSTANCE);
        }
    }

    /** A message waiting to be written, and the bytes of it that are. */
    private static final class Pending {
        final Object msg;
        final ByteBuf content;

        Pending(Object msg, ByteBuf content) {
            this.msg = msg;
            this.content = content;
        }
    }

    /** Swallows {@code read()}, while autoRead is restored on a channel whose input is shut down. */
    @Sharable
    private static final class NoRead extends ChannelOutboundHandlerAdapter {
        static final NoRead INSTANCE = new NoRead();

        @Override
        public void read(ChannelHandlerContext ctx) {
        }
    }

    @Override
    public String toString() {
        Object target = file != null ? file : path != null ? path : "a file to come";
        return "AioFileWriteHandler(" + target + " from " + startPosition + ", written " + written
                + (opening ? ", opening" : "") + (ended ? ", ended" : "") + (failure != null ? ", failed" : "")
                + ")";
    }
}

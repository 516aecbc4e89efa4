/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.handler;

import io.github.nettyaio.file.AioEngine;
import io.github.nettyaio.file.AioFile;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

// Over 400 lines: its public Builder must stay nested in it; the work is in AioFileWriter and WriteQueue.
/**
 * Stores the inbound bytes of a channel in an {@link AioFile}, without blocking the event loop: every inbound
 * {@link ByteBuf}, and the content of every {@link HttpContent}, is written in arrival order at consecutive
 * positions from its start position, and released once written; the file is synced when the input ends, then
 * {@link AioFileWriteComplete} fires and {@link #completion()} succeeds. Reading is held while too many bytes are
 * in flight ({@link #waterMark()}). netty-codec-http is optional: without it, only {@code ByteBuf}s are written.
 *
 * <p>The file is given ({@link #AioFileWriteHandler(AioFile, long)}), opened by the handler when it is added
 * ({@link #open(Path, OpenOption...)}, {@link #builder(Path, OpenOption...)}), or awaited as a {@link Future}
 * ({@link #of(Future)}, {@link #builder(Future)}); until it is open, messages are queued (counting towards the
 * water marks). So an upload whose file is opened once its request has been seen takes one line:
 *
 * <pre>{@code
 * // ctx: the context of the handler that got the PUT request; the body follows it through this handler
 * AioFileWriteHandler store = AioFileWriteHandler.builder(path, StandardOpenOption.CREATE_NEW)
 *         .deleteOnFailure(true)
 *         .build();
 * ctx.pipeline().addAfter(ctx.name(), "store", store);
 * store.completion().addListener((Future<Long> done) -> ctx.writeAndFlush(new DefaultFullHttpResponse(
 *         HttpVersion.HTTP_1_1, done.isSuccess() ? HttpResponseStatus.CREATED : HttpResponseStatus.CONFLICT)));
 * }</pre>
 *
 * <p>All state lives on the channel's event loop; {@link #completion()}'s listeners, {@code exceptionCaught} and
 * {@link AioFileWriteComplete} run there, and the file's completions (on any loop) are moved there. A failed open,
 * write, sync or close fires {@code exceptionCaught} and fails {@link #completion()}; nothing is dropped silently
 * (see {@link #completion()} for the end of the input and every failure). It is critical that the channel is closed
 * by the application on failure ({@code exceptionCaught}): the handler does not close it. Not
 * {@link io.netty.channel.ChannelHandler.Sharable sharable}: one instance per channel and file.
 */
public class AioFileWriteHandler extends ChannelDuplexHandler {
    /** The default water marks: low 1 MiB, high 4 MiB of bytes in flight. */
    public static final WriteBufferWaterMark DEFAULT_WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);
    /** The options of {@link #open(Path, OpenOption...)} without any, like {@code Files.newOutputStream}'s. */
    private static final OpenOption[] DEFAULT_OPTIONS = {
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE};
    /** Whether netty-codec-http is on the class path: only then is {@link HttpInput} ever loaded. */
    private static final boolean HTTP_PRESENT = httpPresent();

    /** The future of the file to wait for, if given, else null. */
    private final Future<AioFile> fileFuture;
    /** The file this handler opens when added, else null. */
    private final Path path;
    private final OpenOption[] options;
    private final AioEngine engine;
    private final boolean ownsFile;
    private final long startPosition;
    private final WriteBufferWaterMark waterMark;
    private final AioFileWriter writer;
    /** The HTTP adapter, from the first HttpContent on, else null. */
    private HttpInput httpInput;

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
        this.fileFuture = fileFuture;
        this.path = path;
        this.options = options;
        this.engine = engine;
        this.startPosition = startPosition;
        this.ownsFile = ownsFile;
        this.writer = new AioFileWriter(file, startPosition, waterMark, ownsFile, path, deleteOnFailure);
    }

    /**
     * A handler that opens {@code path} when it is added to a pipeline, asynchronously (the {@code open(2)} runs on
     * netty-aio's blocking pool, never on the event loop), on the channel's event loop with {@link AioEngine#AUTO},
     * and writes the input to it from position 0, holding it until the file is open; it owns the file (closes it).
     * {@code WRITE} is implied; no options at all mean {@code CREATE}, {@code TRUNCATE_EXISTING} (as for
     * {@code Files.newOutputStream}). An open failure (e.g. {@link java.nio.file.NoSuchFileException}) fails the
     * handler: see {@link #completion()}. Same as {@code builder(path, options).build()}.
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
        for (OpenOption option : options.length == 0 ? DEFAULT_OPTIONS : options) {
            if (Objects.requireNonNull(option, "option") == StandardOpenOption.APPEND) {
                throw new IllegalArgumentException("APPEND is not supported: the handler writes at explicit "
                        + "positions");
            }
            opts.add(option);
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
     * ended and the file is synced (and closed, if owned); it can be obtained before the handler is added. The input
     * ends at a {@link LastHttpContent}, a {@link ChannelInputShutdownEvent} (half-closure), {@code channelInactive},
     * or the handler's removal: it then waits for the file to be open and the writes in flight, syncs, closes an
     * owned file, fires {@link AioFileWriteComplete} (only while still in the pipeline: after
     * {@code channelInactive} or removal, only this future is reliable) and completes this future. An upstream
     * {@code exceptionCaught} (e.g. a reset connection) is passed on and ends nothing; the {@code channelInactive}
     * that follows does, so a raw byte stream cut short completes with the bytes received. An HTTP body (once an
     * {@link HttpContent} was seen) that ends without its {@link LastHttpContent} is still written and synced, then
     * fails this future with a {@link PrematureChannelClosureException}.
     *
     * <p>A failed open, write, sync or close fires {@code exceptionCaught} (to the handlers after this one, while it
     * is in the pipeline) and fails this future with the cause (the {@link AioFile}'s {@link IOException} naming
     * errno and path; for an open, e.g. {@link java.nio.file.NoSuchFileException}), after releasing every message
     * queued and closing (and, with {@code deleteOnFailure}, deleting) an owned file. If the channel's loop shuts
     * down with the open, a write or the sync in flight, that happens on the thread that completes it and this
     * future fails with an {@link IOException} (its listeners then run on Netty's {@code GlobalEventExecutor}).
     */
    public Future<Long> completion() {
        return writer.completion();
    }

    /**
     * The file written to: the one given; for a handler that opens its file or awaits it, the file once open (null
     * before, and if the open failed).
     */
    public AioFile file() {
        return writer.file();
    }

    /**
     * Whether this handler closes its file (it opened it, or was given a future of it; never a given
     * {@link AioFile}): once the input is over (after the sync, or a failure), before {@link #completion()} and
     * {@link AioFileWriteComplete}. A file that opens after the channel closed or the handler was removed is still
     * written with what had arrived, synced and closed. A given future must complete (the handler waits for it);
     * it is taken over when the handler is added (a handler never added closes nothing). Any thread.
     */
    public boolean ownsFile() {
        return ownsFile;
    }

    /** The position the first byte is written at. Any thread. */
    public long startPosition() {
        return startPosition;
    }

    /**
     * The water marks of bytes in flight for holding reads. Above the high mark of bytes queued (the file still
     * opening included) or being written, the handler holds reading until the bytes in flight are down to the low
     * mark (0: all written), whatever {@code autoRead} was: it turns {@code autoRead} off if on (and back on when it
     * lets go), and holds back every {@link ChannelHandlerContext#read() read()} that reaches it (those of
     * {@code channel.read()} and of the handlers after it), issuing one when it lets go; reads of the handlers in
     * front of it are not held (a bounded overshoot). It lets go at the end of the input and on failure. One write
     * is in flight at a time: what arrives meanwhile is written next, together (one vectored
     * {@link AioFile#write(ByteBuf[], long)} of up to 16 MiB). Any thread.
     */
    public WriteBufferWaterMark waterMark() {
        return waterMark;
    }


    /** Starts: opens the file (for a handler built from a path) or awaits its future; the input is held until then. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Future<AioFile> file = path != null ? openAsync(ctx.channel().eventLoop(), path, engine, options) : fileFuture;
        writer.start(ctx, file);
    }

    /** Opens {@code path} for I/O on {@code loop} (BLOCKING where it is no IoEventLoop), without blocking it. */
    private static Future<AioFile> openAsync(EventLoop loop, Path path, AioEngine engine, OpenOption[] options) {
        try {
            return AioFile.openAsync(loop, path, engine, options);
        } catch (RuntimeException error) {
            return loop.newFailedFuture(error);
        }
    }

    /** Ends the input (see {@link #completion()}). */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        writer.endInput();
    }

    /**
     * Takes a message. A {@link ByteBuf} is written. An {@link HttpContent} has its content written; a
     * {@link LastHttpContent} ends the input (its trailing headers are not passed on). A {@code FullHttpRequest} or
     * {@code FullHttpResponse} has its line and headers passed on as a {@code DefaultHttpRequest} or
     * {@code DefaultHttpResponse}, its content written. Content whose decoder result is a failure fails the handler
     * with that cause. Anything else (e.g. an {@code HttpRequest}) is passed on untouched, and so is every message
     * after the input has ended; after a failure, {@code ByteBuf}s and {@code HttpContent}s are released.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean bytes = msg instanceof ByteBuf;
        if (!bytes && !(HTTP_PRESENT && HttpInput.isContent(msg))) {
            ctx.fireChannelRead(msg);
        } else if (writer.failed()) {
            ReferenceCountUtil.release(msg);
        } else if (writer.ended()) {
            ctx.fireChannelRead(msg);
        } else if (bytes) {
            writer.write(msg, (ByteBuf) msg);
        } else {
            if (httpInput == null) {
                httpInput = new HttpInput(writer);
            }
            httpInput.read(ctx, msg);
        }
    }

    /** A {@link ChannelInputShutdownEvent} ends the input; every event is passed on. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            writer.inputShutdown();
            writer.endInput();
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Ends the input, and passes the event on. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        writer.endInput();
        ctx.fireChannelInactive();
    }

    /** Holds back reads while above the high-water mark (see {@link #waterMark()}); passes them on otherwise. */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (!writer.holdRead()) {
            ctx.read();
        }
    }

    private static boolean httpPresent() {
        try {
            Class.forName("io.netty.handler.codec.http.HttpContent", false,
                    AioFileWriteHandler.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "AioFileWriteHandler(" + writer + ")";
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioFile;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.RejectedExecutionException;

/**
 * A file as a Netty {@link io.netty.channel.Channel}, so that codecs and handlers work on files unchanged: connected
 * to {@link AioFileAddress#read} it streams the file through the pipeline as {@link ByteBuf}s (honouring
 * {@code autoRead} and {@link #read()}) and closes itself at EOF; connected to {@link AioFileAddress#write} it
 * appends every {@link ByteBuf} written, and its {@link #close()} writes, {@code fsync}s and closes the file before
 * it completes. The package description says how reading, writing and closing behave in full.
 *
 * <pre>{@code
 * new Bootstrap().group(loop).channel(AioFileChannel.class)
 *         .handler(new ChannelInitializer<AioFileChannel>() {
 *             protected void initChannel(AioFileChannel ch) {
 *                 ch.pipeline().addLast(new LineBasedFrameDecoder(8192), lineHandler);
 *             }
 *         })
 *         .connect(AioFileAddress.read(Paths.get("access.log")));
 * }</pre>
 *
 * <p>Every completion and every pipeline event runs on the event loop the channel connected on (any
 * {@link IoEventLoop} its engine supports); the loop never blocks, not even for {@code open(2)}. A failed connect
 * fails the connect future with {@link AioFile#open}'s exception and closes the channel; a read error fires
 * {@code exceptionCaught} and closes it; a write error fails that write and every later one.
 *
 * <p>It is critical that a writing channel is its file's only writer: it appends positionally from the size the
 * file had at connect (not {@code O_APPEND}), so another writer's bytes, or a truncation, are overwritten or
 * missed.
 */
public final class AioFileChannel extends AbstractChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private enum State { OPEN, CONNECTING, ACTIVE, CLOSING, CLOSED }

    private final AioFileChannelConfig config;
    private final AioFileChannelReader reader;
    private final AioFileChannelWriter writer;
    private final AioFileChannelConnector connector;
    private final AioFileChannelCloser closer;
    private final Runnable shutdownHook = this::loopShuttingDown;
    private volatile State state = State.OPEN;
    private volatile AioFileAddress address;
    private volatile AioFile file;
    /**
     * The loop chosen at connect: the file's futures complete there, so from connect on the channel refuses
     * every other loop ({@link #isCompatible}, which Netty checks before it reassigns {@link #eventLoop()}).
     */
    private volatile EventLoop boundLoop;

    /** A new, unconnected channel (what {@code Bootstrap.channel(AioFileChannel.class)} creates). */
    public AioFileChannel() {
        super(null);
        config = new AioFileChannelConfig(this);
        reader = new AioFileChannelReader(this, config);
        writer = new AioFileChannelWriter(this, config);
        closer = new AioFileChannelCloser(this, reader, writer);
        connector = new AioFileChannelConnector(this, config);
    }

    @Override
    public AioFileChannelConfig config() {
        return config;
    }

    /** Open until closed (or until a failed connect closes it). */
    @Override
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    /** From a successful connect until the close has completed. */
    @Override
    public boolean isActive() {
        State now = state;
        return now == State.ACTIVE || now == State.CLOSING;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    /** The {@link AioFileAddress} given to connect, or null before. */
    @Override
    public AioFileAddress localAddress() {
        return (AioFileAddress) super.localAddress();
    }

    /** The {@link AioFileAddress} given to connect, or null before. */
    @Override
    public AioFileAddress remoteAddress() {
        return (AioFileAddress) super.remoteAddress();
    }

    /**
     * The file under this channel once connected (null before): for inspection ({@link AioFile#size()},
     * {@link AioFile#fd()}) and for {@link AioFile#closeAsync()}'s future, which completes once the descriptor is
     * closed; the channel closes it. Reads or writes issued on it directly bypass the channel's ordering. Call on
     * the channel's event loop, or after the connect future completed.
     */
    public AioFile file() {
        return file;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new FileUnsafe();
    }

    /**
     * Any {@link IoEventLoop} (the engine, chosen at connect, says whether it can run there) until the channel
     * connects; from then on only the loop it connected on, as the file's completions run there. Netty checks this
     * before it reassigns the channel's loop, so a refused {@code register} leaves the channel as it was.
     */
    @Override
    protected boolean isCompatible(EventLoop loop) {
        EventLoop bound = boundLoop;
        if (bound != null && loop != bound) {
            logger.debug("{}: refusing to move to {}: the channel connected on {}, where its file completes",
                    this, loop, bound);
            return false;
        }
        return loop instanceof IoEventLoop;
    }

    @Override
    protected SocketAddress localAddress0() {
        return address;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return address;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        // Another loop than boundLoop never gets here: isCompatible refused it before Netty reassigned eventLoop().
        if (eventLoop() instanceof SingleThreadEventExecutor) {
            ((SingleThreadEventExecutor) eventLoop()).addShutdownHook(shutdownHook);
        }
        promise.setSuccess();
    }

    @Override
    protected void doDeregister() {
        if (eventLoop() instanceof SingleThreadEventExecutor) {
            ((SingleThreadEventExecutor) eventLoop()).removeShutdownHook(shutdownHook);
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("an AioFileChannel can't bind: connect it to an AioFileAddress");
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    /** Closes at once (the graceful part of a close is done before by {@link FileUnsafe}). */
    @Override
    protected void doClose() throws Exception {
        State prev = state;
        state = State.CLOSED;
        if (prev == State.CLOSED) {
            return;
        }
        connector.closed();
        reader.dropWindow();
        closer.closeFile();
        if (prev == State.CLOSING && closer.hasPendingClose()) {
            // Closed forcibly while a close drained (closeForcibly, unsafe().disconnect()): finish that close, and
            // complete its promise and those waiting for it, once this one is done.
            try {
                eventLoop().execute(closer::runPendingClose);
            } catch (RejectedExecutionException ex) {
                logger.debug("{}: closed forcibly after its event loop shut down", this, ex);
            }
        }
        Throwable closeError = closer.takeCloseError();
        if (closeError != null) {
            throw closeError instanceof Exception ? (Exception) closeError : new IOException(closeError);
        }
    }

    private void loopShuttingDown() {
        if (isOpen()) {
            logger.debug("{}: event loop shutting down, closing", this);
            closeQuietly();
        }
    }

    // ---------------------------------------------------------------- connect

    /** Connecting to {@code remote} (an {@link AioFileAddress} checked by the connector): from now on bound. */
    void connecting(AioFileAddress remote) {
        address = remote;
        boundLoop = eventLoop();
        state = State.CONNECTING;
    }

    /** Whether the file is being opened for a connect (and the channel was not closed meanwhile). */
    boolean isConnecting() {
        return state == State.CONNECTING;
    }

    /** The connect's file is open, {@code size} bytes long: the channel becomes active (the event is the caller's). */
    void connected(AioFile opened, boolean oDirect, long size) {
        file = opened;
        if (address.isWrite()) {
            writer.connected(opened, size);
        } else {
            reader.connected(opened, oDirect, size);
        }
        state = State.ACTIVE;
        if (address.isWrite()) {
            config.setAutoRead(false);
        }
    }

    // ---------------------------------------------------------------- reading and writing

    @Override
    protected void doBeginRead() {
        if (state != State.ACTIVE) {
            return;
        }
        if (address.isWrite()) {
            AioFileAddress writeOnly = address;
            try {
                eventLoop().execute(() -> pipeline().fireExceptionCaught(new UnsupportedOperationException(
                        "read() on " + this + ": the channel is connected to " + writeOnly + ", which is write-only")));
            } catch (RejectedExecutionException e) {
                logger.debug("{}: read() on a write-only channel while its event loop shuts down", this);
            }
            return;
        }
        reader.beginRead();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) throws Exception {
        return writer.accept(msg, address, state == State.CLOSING);
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        writer.issueWrites(in);
    }

    /** Connected, and not closing: reads are delivered and writes issued. */
    boolean isActiveAndNotClosing() {
        return state == State.ACTIVE;
    }

    /** Closes the channel (its close promise is void: the outcome shows in {@link #closeFuture()}). */
    void closeQuietly() {
        unsafe().close(unsafe().voidPromise());
    }

    // ---------------------------------------------------------------- closing

    /** Closing: draining before the file and then the channel close. */
    boolean isClosing() {
        return state == State.CLOSING;
    }

    /** Called by every completion: finishes a draining close once nothing is in flight any more. */
    void maybeFinishClose() {
        closer.maybeFinishClose();
    }

    @Override
    public String toString() {
        AioFileAddress connectedTo = address;
        return "AioFileChannel(" + id().asShortText() + (connectedTo == null ? "" : ", " + connectedTo) + ", " + state
                + ")";
    }

    private final class FileUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (state == State.CONNECTING) {
                promise.setFailure(new ConnectionPendingException());
            } else if (state != State.OPEN) {
                promise.setFailure(new AlreadyConnectedException());
            } else {
                connector.connect(remoteAddress, promise);
            }
        }

        @Override
        protected void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            if (state == State.CLOSING) {
                // A close is draining already: this one completes with its outcome (closeNow).
                if (promise.setUncancellable() && !promise.isVoid()) {
                    closer.addLaterPromise(promise);
                }
                return;
            }
            if (state != State.ACTIVE || file == null) {
                super.close(promise, cause, closeCause);
                return;
            }
            if (!promise.setUncancellable()) {
                return;
            }
            state = State.CLOSING;
            closer.drain(() -> closeNow(promise, cause, closeCause));
        }

        /**
         * Closes the channel for the first {@code close()} once drained; the {@code close()} calls made meanwhile
         * get its outcome (success, or the write/{@code fsync}/{@code close} error), as Netty chains later close
         * promises to the first close.
         */
        private void closeNow(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            ChannelPromise first = promise.isVoid() ? newPromise() : promise;
            super.close(first, cause, closeCause);
            if (first != promise) {
                AioFileChannelCloser.propagate(first, promise);
            }
            closer.completeLaterPromises(first);
        }
    }
}

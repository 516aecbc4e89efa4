/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.channel;

import io.github.nettyaio.file.AioFile;
import io.github.nettyaio.file.AlignedBuffers;
import io.github.nettyaio.sys.AioOpenOption;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.StringUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.OpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * A file as a Netty {@link io.netty.channel.Channel}, so that codecs and handlers work on files unchanged (for
 * example {@code LineBasedFrameDecoder} over a log file). Its I/O goes through an {@link AioFile} opened on the
 * channel's own event loop, so every completion, and every pipeline event, runs on that loop's thread; the
 * loop never blocks (not even for {@code open(2)}, which runs on netty-aio's blocking pool).
 *
 * <pre>{@code
 * new Bootstrap().group(loop).channel(AioFileChannel.class)
 *         .option(AioFileChannelOption.CHUNK_SIZE, 128 * 1024)
 *         .handler(new ChannelInitializer<AioFileChannel>() {
 *             protected void initChannel(AioFileChannel ch) {
 *                 ch.pipeline().addLast(new LineBasedFrameDecoder(8192), lineHandler);
 *             }
 *         })
 *         .connect(AioFileAddress.read(Paths.get("access.log")));
 * }</pre>
 *
 * <h2>Reading: {@link AioFileAddress#read(java.nio.file.Path)}</h2>
 * The file is streamed from its start as {@link ByteBuf}s of up to {@link AioFileChannelOption#CHUNK_SIZE}
 * bytes (the pipeline owns and releases them), honouring {@code autoRead} and {@link #read()} like a socket:
 * each read request delivers one burst of at most {@code maxMessagesPerRead} buffers (those whose reads have
 * completed), then one {@code channelReadComplete}; with {@code autoRead} off, nothing is delivered without a
 * {@code read()}. Up to {@link AioFileChannelOption#READ_AHEAD} reads are kept in flight ahead of the pipeline
 * once the first read was requested. At EOF the channel closes itself ({@code channelInactive}, then
 * {@link #closeFuture()}). EOF is a short read that ends at or past the file's size, looked at ({@code fstat})
 * when that read is delivered: a read may be short anywhere (under O_DIRECT it is one {@code pread} per buffer,
 * otherwise reads go on until the buffer is full), and the file may have grown since, so a short read that ends
 * before the size is followed by a read of the rest (under O_DIRECT from the aligned position before it,
 * delivering only the bytes not delivered yet). A read error, or an {@code fstat} failure, fires
 * {@code exceptionCaught} with the {@link IOException} and closes the channel. Writing to a reading channel fails
 * the write's promise with {@link UnsupportedOperationException}.
 *
 * <h2>Writing: {@link AioFileAddress#write(java.nio.file.Path, OpenOption...)}</h2>
 * Every {@link ByteBuf} written is appended, in order, starting at the end of the existing file (or at 0 with
 * {@code TRUNCATE_EXISTING}); each write's promise succeeds once its bytes are in the file (not yet synced).
 * Flushed buffers are gathered into one {@code pwrite} of up to {@code CHUNK_SIZE} bytes; one write is in flight
 * at a time. A buffer stays in Netty's {@link ChannelOutboundBuffer} until its write has completed, so the bytes
 * the kernel is writing count towards the {@link io.netty.channel.WriteBufferWaterMark} and writability
 * ({@code channelWritabilityChanged}) reflects every byte not yet in the file. Other message types fail with
 * {@link UnsupportedOperationException}. A write error fails that write's promise with the
 * {@link IOException}, fails every later write, fires {@code exceptionCaught} and, with {@code autoClose} (the
 * default), closes the channel. A writing channel has nothing to read: it turns {@code autoRead} off when it
 * connects, and an explicit {@code read()} fires {@code exceptionCaught} with an
 * {@link UnsupportedOperationException} (the channel stays open).
 *
 * <p><b>Single writer, not {@code O_APPEND}.</b> The channel appends positionally: it takes the file's size once,
 * at connect, and writes each buffer at the position that follows the previous one ({@code APPEND} is accepted and
 * means exactly this; the file is never opened with {@code O_APPEND}). It assumes it is the file's only writer
 * while connected and never looks at the size again: bytes another process, {@link AioFile} or channel appends to
 * the same file meanwhile are overwritten (or overwrite the channel's), and a truncation while the channel writes
 * (logrotate's {@code copytruncate}) is not seen: later writes land at the old offsets, leaving a hole of zeros
 * before them. Rotate by renaming the file and connecting a new channel (logrotate's {@code create} mode), and
 * give each file one writing channel.
 *
 * <h2>Closing</h2>
 * {@link #close()} on a writing channel first flushes what was written but not flushed, writes everything,
 * {@code fsync}s, closes the file, and only then completes ({@code channelInactive}, {@link #closeFuture()}):
 * data accepted by {@code write} is never dropped; writes issued after {@code close()} fail with
 * {@link ClosedChannelException}. The close promise fails with the {@code fsync}/{@code close} error, if any
 * (the channel is closed regardless); a {@code close()} made while a close is draining completes with that first
 * close's outcome, failure included. On a reading channel, {@code close()} cancels the reads in flight,
 * releases every buffer it still holds once its read has completed, and completes after the file is closed.
 * A channel whose event loop shuts down is closed the same way from the loop's shutdown hook; operations the
 * dead loop can no longer complete fail with an {@link IOException} (their memory stays safe, see
 * {@link AioFile}).
 *
 * <h2>Event loops</h2>
 * Any {@link IoEventLoop} the {@link AioFileChannelOption#ENGINE engine} supports: NIO, epoll, io_uring,
 * kqueue. The channel registers no {@link io.netty.channel.IoHandle} with the loop (it has no descriptor for
 * the loop's selector to watch; its completions arrive through the {@link AioFile}). From {@code connect} on,
 * connected or still connecting, it stays on the loop it connected on, where its file's futures complete:
 * registering it with another loop (after {@code deregister()}) fails that {@code register} future with
 * Netty's {@link IllegalStateException} ("incompatible event loop type") and leaves the channel as it was; it can
 * be registered again with its own loop. Connect failures fail the connect future with {@link AioFile#open}'s
 * exception (e.g. {@link java.nio.file.NoSuchFileException}) and close the channel. {@link #localAddress()} and
 * {@link #remoteAddress()} are the {@link AioFileAddress}; {@link #isActive()} is true from connect to close.
 */
public final class AioFileChannel extends AbstractChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioFileChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    /** The alignment of O_DIRECT read buffers and chunk sizes (safe for every common device). */
    private static final int DIRECT_ALIGNMENT = AlignedBuffers.DIRECT_ALIGNMENT;
    /** At most this many buffers are gathered into one write. */
    private static final int MAX_GATHER = 1024;

    private enum State { OPEN, CONNECTING, ACTIVE, CLOSING, CLOSED }

    private final AioFileChannelConfig config;
    private final Runnable shutdownHook = this::loopShuttingDown;
    private volatile State state = State.OPEN;
    private volatile AioFileAddress address;
    private volatile AioFile file;
    /**
     * The loop chosen at connect: the file's futures complete there, so from connect on the channel refuses
     * every other loop ({@link #isCompatible}, which Netty checks before it reassigns {@link #eventLoop()}).
     */
    private volatile EventLoop boundLoop;
    private boolean direct;
    private ChannelPromise connectPromise;
    private Future<AioFile> opening;

    // Reading, all on the loop thread.
    /** Reads in file order: in flight, or completed and not yet delivered. */
    private final ArrayDeque<ReadOp> window = new ArrayDeque<>();
    private long readPosition;
    /** The file size last seen: no read starts past it (one at it finds EOF) until a new look finds it grew. */
    private long readLimit;
    private int readsInFlight;
    private boolean readRequested;
    private boolean inBurst;
    private int burst;
    private boolean eof;
    private boolean pumping;
    private boolean pumpAgain;

    // Writing, all on the loop thread.
    private long writePosition;
    private boolean writeInFlight;
    private Throwable writeFailure;
    private boolean failingWrites;

    // Closing.
    private Runnable pendingClose;
    /** Promises of close() calls made while a close drained: they complete with that close's outcome. */
    private List<ChannelPromise> laterClosePromises;
    private boolean finishingClose;
    private boolean fileClosed;
    private Throwable closeError;

    /** A new, unconnected channel (what {@code Bootstrap.channel(AioFileChannel.class)} creates). */
    public AioFileChannel() {
        super(null);
        config = new AioFileChannelConfig(this);
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
        State s = state;
        return s == State.ACTIVE || s == State.CLOSING;
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
        ChannelPromise p = connectPromise;
        if (p != null) {
            connectPromise = null;
            p.tryFailure(new ClosedChannelException());
        }
        Future<AioFile> o = opening;
        if (o != null) {
            o.cancel(false); // AioFile.openAsync closes the file if it opens after all
        }
        discardWindow();
        closeFile();
        if (prev == State.CLOSING && pendingClose != null) {
            // Closed forcibly while a close drained (closeForcibly, unsafe().disconnect()): finish that close, and
            // complete its promise and those waiting for it, once this one is done.
            try {
                eventLoop().execute(this::runPendingClose);
            } catch (RejectedExecutionException ex) {
                logger.debug("{}: closed forcibly after its event loop shut down", this, ex);
            }
        }
        Throwable e = closeError;
        if (e != null) {
            closeError = null;
            throw e instanceof Exception ? (Exception) e : new IOException(e);
        }
    }

    private Future<Void> closeFile() {
        AioFile f = file;
        if (f == null || fileClosed) {
            return null;
        }
        fileClosed = true;
        return f.closeAsync();
    }

    private void loopShuttingDown() {
        if (isOpen()) {
            logger.debug("{}: event loop shutting down, closing", this);
            unsafe().close(unsafe().voidPromise());
        }
    }

    // ---------------------------------------------------------------- connect

    private void startConnect(SocketAddress remote, ChannelPromise promise) {
        if (state == State.CONNECTING) {
            promise.setFailure(new ConnectionPendingException());
            return;
        }
        if (state != State.OPEN) {
            promise.setFailure(new AlreadyConnectedException());
            return;
        }
        if (!(remote instanceof AioFileAddress)) {
            UnsupportedAddressTypeException e = new UnsupportedAddressTypeException();
            e.initCause(new IllegalArgumentException("an AioFileChannel connects to an AioFileAddress, not "
                    + (remote == null ? "null" : StringUtil.simpleClassName(remote) + " " + remote)));
            promise.setFailure(e);
            return;
        }
        AioFileAddress a = (AioFileAddress) remote;
        boolean useDirect = a.isDirect() || config.isDirect();
        if (useDirect && config.getChunkSize() % DIRECT_ALIGNMENT != 0) {
            promise.setFailure(new IllegalArgumentException("with O_DIRECT the chunk size must be a multiple of "
                    + DIRECT_ALIGNMENT + ": " + config.getChunkSize()));
            return;
        }
        Set<OpenOption> options = new LinkedHashSet<>(a.options());
        if (useDirect) {
            options.add(AioOpenOption.DIRECT);
        }
        address = a;
        direct = useDirect;
        boundLoop = eventLoop();
        state = State.CONNECTING;
        connectPromise = promise;
        Future<AioFile> f = AioFile.openAsync((IoEventLoop) eventLoop(), a.path(), config.getEngine(),
                options.toArray(new OpenOption[0]));
        opening = f;
        f.addListener(x -> opened(f));
    }

    private void opened(Future<AioFile> f) {
        if (opening == f) {
            opening = null;
        }
        ChannelPromise p = connectPromise;
        if (state != State.CONNECTING || p == null || !eventLoop().inEventLoop()) {
            // Closed meanwhile (the promise was failed then), or the loop is gone.
            if (f.isSuccess()) {
                f.getNow().closeAsync();
            }
            if (p != null) {
                connectPromise = null;
                p.tryFailure(new ClosedChannelException());
            }
            return;
        }
        connectPromise = null;
        if (!f.isSuccess()) {
            p.tryFailure(f.cause());
            unsafe().close(unsafe().voidPromise());
            return;
        }
        AioFile opened = f.getNow();
        long size;
        try {
            size = opened.size();
        } catch (IOException e) {
            opened.closeAsync();
            p.tryFailure(e);
            unsafe().close(unsafe().voidPromise());
            return;
        }
        file = opened;
        writePosition = size;
        readLimit = size;
        state = State.ACTIVE;
        if (address.isWrite()) {
            config.setAutoRead(false);
        }
        boolean promiseSet = p.trySuccess();
        pipeline().fireChannelActive();
        if (!promiseSet) {
            unsafe().close(unsafe().voidPromise());
        }
    }

    // ---------------------------------------------------------------- reading

    @Override
    protected void doBeginRead() {
        if (state != State.ACTIVE) {
            return;
        }
        if (address.isWrite()) {
            AioFileAddress a = address;
            try {
                eventLoop().execute(() -> pipeline().fireExceptionCaught(new UnsupportedOperationException(
                        "read() on " + this + ": the channel is connected to " + a + ", which is write-only")));
            } catch (RejectedExecutionException e) {
                logger.debug("{}: read() on a write-only channel while its event loop shuts down", this);
            }
            return;
        }
        readRequested = true;
        pump();
    }

    /** Delivers what can be delivered and keeps the read-ahead window full; never re-entered. */
    private void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                deliver();
                fillWindow();
            } while (pumpAgain);
        } finally {
            pumping = false;
        }
    }

    private void fillWindow() {
        while (state == State.ACTIVE && !eof && window.size() < config.getReadAhead()) {
            if (readPosition > readLimit) {
                if (!window.isEmpty()) {
                    return; // the read covering readLimit, in the window, finds EOF (or that the file grew)
                }
                lookAtSize(); // every read so far was full: the file grew; then read on (or find EOF) anyway
            }
            int chunk = config.getChunkSize();
            if (direct && chunk % DIRECT_ALIGNMENT != 0) {
                chunk = Math.max(DIRECT_ALIGNMENT, chunk / DIRECT_ALIGNMENT * DIRECT_ALIGNMENT);
            }
            ReadOp op = new ReadOp(newReadBuffer(chunk), readPosition, chunk, 0, false);
            readPosition += chunk;
            window.add(op);
            issueRead(op);
        }
    }

    private ByteBuf newReadBuffer(int length) {
        return direct ? AlignedBuffers.allocate(alloc(), DIRECT_ALIGNMENT, length) : alloc().directBuffer(length);
    }

    private void issueRead(ReadOp op) {
        readsInFlight++;
        // Under O_DIRECT readFully would go on at an unaligned position after a short read: one read each, and
        // deliver() reads on (from an aligned position) when a short read was not at the end of the file.
        Future<Integer> f = direct ? file.read(op.buf, op.position) : file.readFully(op.buf, op.position);
        op.future = f;
        f.addListener(x -> readDone(op, f));
    }

    /**
     * After a short read of {@code head} ({@code got} bytes): a read of the rest of its range when the file has
     * more data there ({@code fstat}: a read may be short anywhere, and the file may have grown meanwhile), else
     * null (EOF). Under O_DIRECT the read on starts at the aligned position at or before the data still wanted and
     * skips what was delivered already. A read on that brings nothing new is EOF, whatever the size says.
     */
    private ReadOp readOn(ReadOp head, int got) throws IOException {
        if (head.readOn && got <= head.skip) {
            return null;
        }
        long end = head.position + got;
        long size = file.size();
        readLimit = Math.max(readLimit, size);
        if (size <= end) {
            return null;
        }
        long from = direct ? end / DIRECT_ALIGNMENT * DIRECT_ALIGNMENT : end;
        int length = (int) (head.position + head.length - from);
        return new ReadOp(newReadBuffer(length), from, length, (int) (end - from), true);
    }

    /** Updates {@link #readLimit} from the file's size ({@code fstat}, no disk access). */
    private void lookAtSize() {
        try {
            readLimit = Math.max(readLimit, file.size());
        } catch (IOException e) {
            logger.debug("{}: fstat failed, reading on", this, e); // the next read reports the error, if any
        }
    }

    private void readDone(ReadOp op, Future<Integer> f) {
        readsInFlight--;
        if (!eventLoop().inEventLoop()) {
            discardWindow(); // the loop is gone: nothing can be delivered any more
        }
        if (op.discarded) {
            op.release();
            maybeFinishClose();
            return;
        }
        op.done = true;
        if (f.isSuccess()) {
            op.result = f.getNow();
        } else {
            op.cause = f.cause();
        }
        pump();
    }

    private void deliver() {
        ChannelPipeline pipeline = pipeline();
        while (state == State.ACTIVE && (inBurst || readRequested)) {
            ReadOp head = window.peek();
            if (head == null || !head.done) {
                break;
            }
            window.poll();
            if (!inBurst) {
                inBurst = true;
                readRequested = false;
            }
            if (head.cause != null) {
                head.release();
                failReading(head.cause);
                return;
            }
            int got = Math.max(0, head.result); // bytes in the buffer (-1 at EOF: none)
            if (got > head.skip) {
                burst++;
                pipeline.fireChannelRead(head.take().skipBytes(head.skip));
            } else {
                head.release();
            }
            if (got < head.length) {
                ReadOp rest;
                try {
                    rest = state == State.ACTIVE ? readOn(head, got) : null;
                } catch (IOException e) {
                    failReading(e);
                    return;
                }
                if (rest == null) {
                    eof = true;
                    discardWindow();
                    endBurst();
                    unsafe().close(unsafe().voidPromise());
                    return;
                }
                window.addFirst(rest);
                issueRead(rest);
            }
            if (burst >= maxMessagesPerRead()) {
                endBurst();
            }
        }
        if (inBurst) {
            endBurst(); // no completed read left: the burst is over
        }
    }

    /** A read (or the {@code fstat} after a short one) failed: {@code exceptionCaught}, then close. */
    private void failReading(Throwable cause) {
        eof = true;
        discardWindow();
        endBurst();
        pipeline().fireExceptionCaught(cause);
        unsafe().close(unsafe().voidPromise());
    }

    private void endBurst() {
        boolean fire = burst > 0;
        inBurst = false;
        burst = 0;
        if (fire) {
            pipeline().fireChannelReadComplete();
        }
    }

    private int maxMessagesPerRead() {
        RecvByteBufAllocator a = config.getRecvByteBufAllocator();
        return a instanceof MaxMessagesRecvByteBufAllocator
                ? Math.max(1, ((MaxMessagesRecvByteBufAllocator) a).maxMessagesPerRead())
                : METADATA.defaultMaxMessagesPerRead();
    }

    /** Drops the window: buffers of completed reads are released now, the others when their read completes. */
    private void discardWindow() {
        if (window.isEmpty()) {
            return;
        }
        List<ReadOp> ops = new ArrayList<>(window);
        window.clear();
        for (ReadOp op : ops) {
            if (op.done) {
                op.release();
            } else {
                op.discarded = true;
            }
        }
        for (ReadOp op : ops) {
            if (op.discarded && op.future != null) {
                op.future.cancel(false); // best effort; the listener releases the buffer either way
            }
        }
    }

    /** One read of the window: {@code length} bytes at {@code position}; the first {@code skip} were delivered. */
    private static final class ReadOp {
        private ByteBuf buf;
        final long position;
        final int length;
        final int skip;
        /** A read on after a short read (see {@link #readOn}). */
        final boolean readOn;
        Future<Integer> future;
        boolean done;
        boolean discarded;
        int result;
        Throwable cause;

        ReadOp(ByteBuf buf, long position, int length, int skip, boolean readOn) {
            this.buf = buf;
            this.position = position;
            this.length = length;
            this.skip = skip;
            this.readOn = readOn;
        }

        ByteBuf take() {
            ByteBuf b = buf;
            buf = null;
            return b;
        }

        void release() {
            ByteBuf b = take();
            if (b != null) {
                b.release();
            }
        }
    }

    // ---------------------------------------------------------------- writing

    @Override
    protected Object filterOutboundMessage(Object msg) throws Exception {
        AioFileAddress a = address;
        if (a != null && !a.isWrite()) {
            throw new UnsupportedOperationException("write on " + this + ": the channel is connected to " + a
                    + ", which is read-only (connect to AioFileAddress.write(...) to write)");
        }
        if (!(msg instanceof ByteBuf)) {
            throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                    + " (an AioFileChannel writes ByteBuf)");
        }
        if (state == State.CLOSING) {
            ClosedChannelException e = new ClosedChannelException();
            e.initCause(new IllegalStateException("write after close() on " + this));
            throw e;
        }
        if (writeFailure != null) {
            throw new IOException("an earlier write on " + this + " failed", writeFailure);
        }
        return msg;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        issueWrites(in);
    }

    /** Starts the next write unless one is in flight; finishes a pending close when everything is written. */
    private void issueWrites(ChannelOutboundBuffer in) throws Exception {
        for (;;) {
            if (writeInFlight || in == null || file == null || address == null || !address.isWrite()) {
                return;
            }
            if (writeFailure != null || state == State.CLOSED) {
                failWrites(in, writeFailure != null ? new IOException("an earlier write on " + this + " failed",
                        writeFailure) : new ClosedChannelException());
                maybeFinishClose();
                return;
            }
            Object head = in.current();
            if (head == null) {
                maybeFinishClose();
                return;
            }
            if (!((ByteBuf) head).isReadable()) {
                in.remove(); // nothing to write (or a cancelled entry); its listeners may write more
                continue;
            }
            break;
        }
        int limit = config.getChunkSize();
        List<ByteBuf> bufs = new ArrayList<>();
        long[] bytes = new long[1];
        in.forEachFlushedMessage(m -> {
            ByteBuf b = (ByteBuf) m;
            int n = b.readableBytes();
            if (n == 0 || (!bufs.isEmpty() && (bytes[0] + n > limit || bufs.size() >= MAX_GATHER))) {
                return false;
            }
            bufs.add(b);
            bytes[0] += n;
            return true;
        });
        long position = writePosition;
        writePosition += bytes[0];
        writeInFlight = true;
        Future<?> f = bufs.size() == 1 ? file.write(bufs.get(0), position)
                : file.write(bufs.toArray(new ByteBuf[0]), position);
        f.addListener(x -> writeDone(bufs, f));
    }

    private void writeDone(List<ByteBuf> bufs, Future<?> f) throws Exception {
        ChannelOutboundBuffer in = unsafe().outboundBuffer();
        Throwable cause = f.isSuccess() ? null : f.cause();
        boolean loopGone = !eventLoop().inEventLoop();
        if (in != null) {
            // writeInFlight stays set while the entries are removed: their listeners may write and flush more.
            for (ByteBuf b : bufs) {
                Object head;
                while ((head = in.current()) != null && head != b) {
                    remove(in, null); // cancelled entries, skipped when gathering
                }
                if (head == null) {
                    break;
                }
                remove(in, cause);
            }
        }
        writeInFlight = false;
        if (cause == null && loopGone) {
            cause = new IOException("event loop " + eventLoop() + " shut down while " + this + " was writing");
        }
        if (cause != null && writeFailure == null) {
            writeFailure = cause;
            if (in != null) {
                failWrites(in, new IOException("an earlier write on " + this + " failed", cause));
            }
            if (!loopGone) {
                pipeline().fireExceptionCaught(cause);
                if (state == State.ACTIVE && config.isAutoClose()) {
                    unsafe().close(unsafe().voidPromise());
                    return;
                }
            }
        }
        issueWrites(in);
    }

    /**
     * Removes the outbound buffer's current entry, failing it with {@code cause} unless null. Once the loop is
     * gone, pipeline events (writability) can't be delivered: the entry is still released and its promise
     * completed.
     */
    private boolean remove(ChannelOutboundBuffer in, Throwable cause) {
        try {
            return cause == null ? in.remove() : in.remove(cause);
        } catch (RejectedExecutionException e) {
            logger.debug("{}: event loop gone, writability change not delivered", this, e);
            return true;
        }
    }

    private void failWrites(ChannelOutboundBuffer in, Throwable cause) {
        if (failingWrites) {
            return;
        }
        failingWrites = true;
        try {
            while (remove(in, cause)) {
                // each listener may write more; those fail in filterOutboundMessage
            }
        } finally {
            failingWrites = false;
        }
    }

    // ---------------------------------------------------------------- closing

    /**
     * The graceful part of a close, once nothing is in flight any more: {@code fsync} (writing channel, unless a
     * write failed), close the file, then let {@link AbstractUnsafe} close the channel.
     */
    private void maybeFinishClose() {
        if (state != State.CLOSING || finishingClose) {
            return;
        }
        if (address.isWrite()) {
            ChannelOutboundBuffer in = unsafe().outboundBuffer();
            if (writeInFlight || (in != null && !in.isEmpty())) {
                return;
            }
        } else if (readsInFlight > 0) {
            return;
        }
        finishingClose = true;
        if (address.isWrite() && writeFailure == null) {
            file.sync().addListener(s -> {
                if (!s.isSuccess()) {
                    recordCloseError(s.cause());
                }
                closeFileThenChannel();
            });
        } else {
            if (writeFailure != null) {
                recordCloseError(writeFailure);
            }
            closeFileThenChannel();
        }
    }

    private void closeFileThenChannel() {
        Future<Void> closed = closeFile();
        if (closed == null || !eventLoop().inEventLoop()) {
            // Once the loop is gone the file may never close (AioFile keeps the descriptor of an operation whose
            // completion can't be observed any more): the channel does not wait for it.
            runPendingClose();
            return;
        }
        closed.addListener(c -> {
            if (!c.isSuccess()) {
                recordCloseError(c.cause());
            }
            runPendingClose();
        });
    }

    private void recordCloseError(Throwable t) {
        if (closeError == null) {
            closeError = t;
        } else if (closeError != t) {
            closeError.addSuppressed(t);
        }
    }

    private void runPendingClose() {
        Runnable r = pendingClose;
        pendingClose = null;
        if (r == null) {
            return;
        }
        if (eventLoop().inEventLoop()) {
            r.run();
            return;
        }
        // The loop is gone: close anyway, so that the close future completes (and its waiters wake up); the
        // events that need the loop are dropped (logged by Netty).
        try {
            r.run();
        } catch (Throwable t) {
            logger.debug("{}: closed after its event loop shut down", this, t);
        }
    }

    @Override
    public String toString() {
        AioFileAddress a = address;
        return "AioFileChannel(" + id().asShortText() + (a == null ? "" : ", " + a) + ", " + state + ")";
    }

    private final class FileUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            startConnect(remoteAddress, promise);
        }

        @Override
        protected void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            if (state == State.CLOSING) {
                // A close is draining already: this one completes with its outcome (closeNow).
                if (promise.setUncancellable() && !promise.isVoid()) {
                    if (laterClosePromises == null) {
                        laterClosePromises = new ArrayList<>(2);
                    }
                    laterClosePromises.add(promise);
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
            pendingClose = () -> closeNow(promise, cause, closeCause);
            if (address.isWrite()) {
                ChannelOutboundBuffer in = outboundBuffer();
                if (in != null) {
                    in.addFlush(); // what was written before close() is written too
                    try {
                        issueWrites(in);
                    } catch (Throwable t) {
                        recordCloseError(t);
                        failWrites(in, t);
                    }
                }
            } else {
                discardWindow();
            }
            maybeFinishClose();
        }

        /**
         * Closes the channel for the first {@code close()} once drained; the {@code close()} calls made meanwhile get
         * its outcome (success, or the write/{@code fsync}/{@code close} error), as Netty chains later close
         * promises to the first close.
         */
        private void closeNow(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            ChannelPromise first = promise.isVoid() ? newPromise() : promise;
            super.close(first, cause, closeCause);
            if (first != promise) {
                propagate(first, promise);
            }
            List<ChannelPromise> later = laterClosePromises;
            laterClosePromises = null;
            if (later != null) {
                for (ChannelPromise p : later) {
                    propagate(first, p);
                }
            }
        }

        /** Completes {@code to} like {@code from}: at once when done (no listener, which a dead loop can't run). */
        private void propagate(ChannelFuture from, ChannelPromise to) {
            if (from.isDone()) {
                copyOutcome(from, to);
            } else {
                from.addListener(f -> copyOutcome(from, to));
            }
        }

        private void copyOutcome(ChannelFuture from, ChannelPromise to) {
            if (from.isSuccess()) {
                to.trySuccess();
            } else {
                to.tryFailure(from.cause());
            }
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.Aio;
import io.github.nettyaio.AioNotifier;
import io.github.nettyaio.AioSource;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.PosixAio;
import io.netty.channel.IoEventLoop;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@link AioEngine#POSIX_AIO} and {@link AioEngine#KQUEUE_AIO}: each operation is one aiocb driven by an
 * {@link Aio} on the file's loop, so completions arrive the way the seed layer delivers them (the kernel's
 * kqueue events on a FreeBSD kqueue loop, the reaper thread elsewhere). Loop-thread confined.
 */
final class PosixAioFileEngine implements FileEngine {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PosixAioFileEngine.class);

    private final IoEventLoop loop;
    private final AioEngine kind;
    private final AbiConstants c = Platform.abi().constants();
    /** Requests submitted and not yet reported (loop thread). */
    private final Set<Request> inFlight = new LinkedHashSet<>();

    PosixAioFileEngine(IoEventLoop loop, AioEngine kind) {
        this.loop = loop;
        this.kind = kind;
    }

    @Override
    public AioEngine kind() {
        return kind;
    }

    @Override
    public void read(int fd, long address, int length, long position, Completion done) {
        start(new Request(AioControlBlock.Op.READ, fd, address, length, position, done));
    }

    @Override
    public void write(int fd, long address, int length, long position, Completion done) {
        start(new Request(AioControlBlock.Op.WRITE, fd, address, length, position, done));
    }

    @Override
    public void sync(int fd, boolean dataOnly, Completion done) {
        start(new Request(dataOnly ? AioControlBlock.Op.FDATASYNC : AioControlBlock.Op.FSYNC, fd, 0, 0, 0, done));
    }

    private void start(Request r) {
        Aio<Request> aio;
        try {
            aio = Aio.newForAio(loop, r);
        } catch (IOException e) {
            logger.debug("Can't drive AIO on {}", loop, e);
            r.done.complete(-c.EIO);
            return;
        }
        int errno = r.submit();
        if (errno != 0) {
            aio.close();
            r.done.complete(-errno);
            return;
        }
        inFlight.add(r);
        aio.ready().addListener(f -> {
            if (f.isSuccess()) {
                inFlight.remove(r);
                aio.close();
                r.done.complete(r.reap());
            } else {
                // The loop shut down with the request in flight: nobody will be notified on it any more. Wait
                // for the request on a blocking-pool thread, then reap it there (FileEngine's contract), so the
                // caller can release the memory and the descriptor once the kernel is done.
                BlockingFileEngine.execute(r::awaitAndReap);
            }
        });
    }

    @Override
    public void cancelAll() {
        for (Request r : inFlight.toArray(new Request[0])) {
            r.cancel();
        }
    }

    @Override
    public void close() {
    }

    /** One aiocb-based operation on raw memory: an {@link AioSource} for {@link Aio}. */
    private final class Request implements AioSource {
        final AioControlBlock.Op op;
        final int fd;
        final long address;
        final long length;
        final long position;
        final Completion done;
        private AioNotifier notifier;
        private long token;
        private AioControlBlock cb;

        Request(AioControlBlock.Op op, int fd, long address, long length, long position, Completion done) {
            this.op = op;
            this.fd = fd;
            this.address = address;
            this.length = length;
            this.position = position;
            this.done = done;
        }

        @Override
        public void register(AioNotifier notifier, long token) {
            this.notifier = notifier;
            this.token = token;
        }

        @Override
        public void deregister() {
            notifier = null;
        }

        /** Submits; returns 0 or the errno. */
        int submit() {
            AioControlBlock block = AioControlBlock.allocate();
            block.prepare(fd, position, address, length, c.LIO_NOP);
            notifier.arm(block, token);
            int errno = block.trySubmit(op, this);
            if (errno != 0) {
                block.free();
                return errno;
            }
            cb = block;
            notifier.submitted(token, block);
            return 0;
        }

        /** Reaps the finished request: bytes, or -errno. */
        long reap() {
            int err = cb.aioError();
            long r = cb.aioReturn();
            cb.free();
            cb = null;
            return err != 0 ? -err : r;
        }

        /** Off the (dead) loop: waits in {@code aio_suspend} until the request finishes, then reports it. */
        void awaitAndReap() {
            long list = NativeMemory.allocateZeroed(8);
            long timeout = NativeMemory.allocateZeroed(16);
            try {
                NativeMemory.putLong(list, cb.address());
                NativeMemory.putLong(timeout, 1); // 1 s per wait; the request decides how many
                while (cb.aioError() == c.EINPROGRESS) {
                    PosixAio.aio_suspend(list, 1, timeout);
                }
            } finally {
                NativeMemory.free(list);
                NativeMemory.free(timeout);
            }
            done.complete(reap());
        }

        void cancel() {
            if (cb == null) {
                return;
            }
            try {
                cb.cancel(fd, "fd " + fd);
            } catch (IOException e) {
                logger.debug("aio_cancel failed", e);
            }
            AioNotifier n = notifier;
            if (n != null) {
                n.cancelled(token, cb);
            }
        }

        @Override
        public String toString() {
            return op + "(fd " + fd + ", " + length + " bytes at " + position + ")";
        }
    }
}

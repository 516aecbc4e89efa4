/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.Aio;
import io.github.nettyaio.internal.aiocb.AioRequest;
import io.github.nettyaio.sys.internal.AioControlBlock;
import io.github.nettyaio.sys.internal.Errno;
import io.netty.channel.IoEventLoop;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@link AioEngine#POSIX_AIO} and {@link AioEngine#KQUEUE_AIO}: each operation is one {@link AioRequest} on the
 * caller's memory, driven by an {@link Aio} on the file's loop, so completions arrive the way the seed layer
 * delivers them (the kernel's kqueue events on a FreeBSD kqueue loop, the reaper thread elsewhere). Every
 * {@code done} runs on the file's loop, or on a blocking-pool thread once that loop has shut down; failures
 * arrive as {@code -errno}. Loop-thread confined.
 *
 * <p>It is critical that a request still in flight when its loop shuts down is waited for and reaped off the
 * loop: its {@code done} is what lets the caller release the memory and the descriptor.
 */
final class PosixAioFileEngine implements FileEngine {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(PosixAioFileEngine.class);

    private final IoEventLoop loop;
    private final AioEngine kind;
    /** Requests submitted and not yet reported (loop thread). */
    private final Set<AioRequest> inFlight = new LinkedHashSet<>();

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
        start(AioRequest.forMemory(AioControlBlock.Op.READ, fd, "fd " + fd, position, address, length), done);
    }

    @Override
    public void write(int fd, long address, int length, long position, Completion done) {
        start(AioRequest.forMemory(AioControlBlock.Op.WRITE, fd, "fd " + fd, position, address, length), done);
    }

    @Override
    public void sync(int fd, boolean dataOnly, Completion done) {
        start(AioRequest.forSync(fd, "fd " + fd, dataOnly), done);
    }

    private void start(AioRequest request, Completion done) {
        Aio<AioRequest> aio;
        try {
            aio = Aio.newForAio(loop, request);
        } catch (IOException failure) {
            logger.debug("Can't drive AIO on {}", loop, failure);
            done.complete(-Errno.EIO);
            return;
        }
        int errno = request.trySubmit();
        if (errno != 0) {
            aio.close();
            done.complete(-errno);
            return;
        }
        inFlight.add(request);
        aio.ready().addListener(ready -> {
            if (ready.isSuccess()) {
                inFlight.remove(request);
                aio.close();
                done.complete(request.reap());
            } else {
                // The loop shut down with the request in flight: nobody will be notified on it any more. Wait
                // for the request on a blocking-pool thread, then reap it there (FileEngine's contract), so the
                // caller can release the memory and the descriptor once the kernel is done.
                BlockingFileEngine.execute(() -> {
                    request.awaitCompletion();
                    done.complete(request.reap());
                });
            }
        });
    }

    @Override
    public void cancelAll() {
        for (AioRequest request : inFlight.toArray(new AioRequest[0])) {
            try {
                request.cancel();
            } catch (IOException failure) {
                logger.debug("aio_cancel failed", failure);
            }
        }
    }

    @Override
    public void close() {
    }
}

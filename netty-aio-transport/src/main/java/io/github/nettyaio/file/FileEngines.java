/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.sys.internal.Platform;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.kqueue.KQueueIoHandle;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandle;

import java.io.IOException;

/**
 * Which engine runs where: {@link AioEngine#AUTO}'s choice and the checks for explicit requests, answered on any
 * thread; an engine the platform or loop can't run is refused with {@link UnsupportedOperationException} saying
 * why. It is critical to call {@link #create} on the loop's thread unless {@link #createsOnAnyThread} allows it.
 */
final class FileEngines {
    private FileEngines() {
    }

    /**
     * The engine {@code requested} means on {@code loop}. A loop that is not an {@link IoEventLoop} (an
     * {@code EmbeddedChannel}'s, a {@code DefaultEventLoop}) can host only {@link AioEngine#BLOCKING}, which
     * {@link AioEngine#AUTO} then picks.
     *
     * @throws UnsupportedOperationException the platform or loop can't run it, saying why
     */
    static AioEngine resolve(AioEngine requested, EventLoop loop) {
        if (!(loop instanceof IoEventLoop)) {
            if (requested == AioEngine.AUTO || requested == AioEngine.BLOCKING) {
                return AioEngine.BLOCKING;
            }
            throw new UnsupportedOperationException(requested + " needs an IoEventLoop (NIO, epoll, io_uring or "
                    + "kqueue); " + loop.getClass().getName() + " is not one: use AUTO or BLOCKING there");
        }
        return resolveOnIoLoop(requested, (IoEventLoop) loop);
    }

    private static AioEngine resolveOnIoLoop(AioEngine requested, IoEventLoop loop) {
        switch (requested) {
            case AUTO:
                if (isIoUringLoop(loop) || (Platform.os() == Platform.Os.LINUX && ioUringAvailable())) {
                    return AioEngine.IO_URING;
                }
                if (isFreeBsdKqueueLoop(loop)) {
                    return AioEngine.KQUEUE_AIO;
                }
                if (Platform.hasAbi() && Platform.abi().hasKernelAio()) {
                    return AioEngine.POSIX_AIO;   // FreeBSD without a kqueue loop, macOS
                }
                return AioEngine.BLOCKING;
            case IO_URING:
                if (!ioUringAvailable()) {
                    throw new UnsupportedOperationException("IO_URING: io_uring is not available here ("
                            + Platform.describe() + "): " + ioUringUnavailabilityCause());
                }
                return AioEngine.IO_URING;
            case KQUEUE_AIO:
                if (!isFreeBsdKqueueLoop(loop)) {
                    throw new UnsupportedOperationException("KQUEUE_AIO needs a kqueue event loop on FreeBSD; this is "
                            + Platform.describe() + " with " + loop.getClass().getSimpleName());
                }
                return AioEngine.KQUEUE_AIO;
            case POSIX_AIO:
                if (!Platform.hasAbi()) {
                    throw new UnsupportedOperationException("POSIX_AIO: netty-aio has no POSIX AIO bindings for "
                            + Platform.describe());
                }
                // On a FreeBSD kqueue loop the same aiocbs are delivered through the kqueue.
                return isFreeBsdKqueueLoop(loop) ? AioEngine.KQUEUE_AIO : AioEngine.POSIX_AIO;
            case BLOCKING:
                return AioEngine.BLOCKING;
            default:
                throw new IllegalArgumentException(String.valueOf(requested));
        }
    }

    /**
     * Creates the engine for a file, {@code oDirect} if it is open with {@code O_DIRECT}: on {@code loop}'s thread,
     * or on any thread where {@link #createsOnAnyThread} says so.
     */
    static FileEngine create(AioEngine kind, EventLoop loop, boolean oDirect) throws IOException {
        switch (kind) {
            case IO_URING:
                return IoUringFileEngine.create((IoEventLoop) loop, oDirect);
            case KQUEUE_AIO:
            case POSIX_AIO:
                return new PosixAioFileEngine((IoEventLoop) loop, kind);
            case BLOCKING:
                return new BlockingFileEngine(loop);
            default:
                throw new IllegalArgumentException(String.valueOf(kind));
        }
    }

    /**
     * Whether {@link #create} may be called for {@code kind} off {@code loop}'s thread without waiting for the
     * loop: IO_URING on an io_uring loop, whose registration completes on the loop later (see
     * {@link IoUringFileEngine#create}), and anything on a loop that is not an {@link IoEventLoop} (only
     * BLOCKING runs there, which holds nothing of the loop's). The others are created on the loop's thread.
     */
    static boolean createsOnAnyThread(AioEngine kind, EventLoop loop) {
        if (!(loop instanceof IoEventLoop)) {
            return true;
        }
        return kind == AioEngine.IO_URING && isIoUringLoop((IoEventLoop) loop);
    }

    static boolean isIoUringLoop(IoEventLoop loop) {
        try {
            return loop.isCompatible(IoUringIoHandle.class);
        } catch (LinkageError e) {
            return false;
        }
    }

    private static boolean isFreeBsdKqueueLoop(IoEventLoop loop) {
        if (Platform.os() != Platform.Os.FREEBSD || !Platform.hasAbi()) {
            return false;
        }
        try {
            return loop.isCompatible(KQueueIoHandle.class);
        } catch (LinkageError e) {
            return false;
        }
    }

    private static Object ioUringUnavailabilityCause() {
        try {
            return IoUring.unavailabilityCause();
        } catch (LinkageError e) {
            return "netty-transport-classes-io_uring is not on the class path (add netty-transport-native-io_uring)";
        }
    }

    private static boolean ioUringAvailable() {
        try {
            return Platform.os() == Platform.Os.LINUX && IoUring.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio;

import io.github.nettyaio.sys.internal.AioControlBlock;

/**
 * What an {@link AioSource} uses to make its requests' completions reach its {@link Aio}, whatever the
 * delivery mechanism: kernel kqueue events on FreeBSD ({@code SIGEV_KEVENT} into the event loop's own
 * kqueue), or a reaper thread that waits for {@code SIGEV_NONE} requests elsewhere (glibc).
 *
 * <p>Protocol for one submission, on the event loop thread: {@link #arm} each control block (for
 * {@code lio_listio}: {@link #armList} the list's sigevent, and {@link #arm} every entry), submit, then
 * {@link #submitted} with the control blocks the kernel accepted. The {@link Aio} becomes ready once every
 * one of them has completed. Nothing here throws for valid arguments.
 */
public interface AioNotifier {
    /**
     * Writes the notification part ({@code aio_sigevent}) of {@code cb} for the {@link Aio} identified by
     * {@code token}. Call before every submission of {@code cb}.
     */
    void arm(AioControlBlock cb, long token);

    /**
     * Writes the {@code struct sigevent} at {@code sigevent} that {@code lio_listio(LIO_NOWAIT, ...)} will be
     * given, for the {@link Aio} identified by {@code token}.
     *
     * @param sigevent address of a {@code struct sigevent} the caller owns
     */
    void armList(long sigevent, long token);

    /**
     * Reports that the kernel accepted these requests (one, or the accepted entries of an
     * {@code lio_listio}); the {@link Aio} is made ready once all of them have completed. Must not be called
     * with an empty array.
     */
    void submitted(long token, AioControlBlock... accepted);

    /**
     * Reports that {@code aio_cancel} was called for a request of the {@link Aio} identified by {@code token}
     * (whatever it answered): a cancelled request finishes out of its queue's order, so a notifier that
     * relies on that order must look again. Sources that cancel must call it.
     */
    void cancelled(long token, AioControlBlock cb);
}

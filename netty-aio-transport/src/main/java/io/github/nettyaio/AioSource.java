/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio;

/**
 * Something that submits POSIX AIO requests and can be driven by an {@link Aio}: the Java counterpart of
 * Tokio's {@code tokio::io::bsd::AioSource}. The sources of {@code io.github.nettyaio.source} implement it;
 * implement it yourself to drive other aiocb-based requests.
 *
 * <p>Both methods are called on the {@link Aio}'s event loop thread and must not throw.
 */
public interface AioSource {
    /**
     * Called once when an {@link Aio} is created for this source, before the caller submits anything.
     * Keep {@code notifier} and {@code token}: every later submission must arm its control block (or its
     * {@code lio_listio} sigevent) with them and report itself to the notifier, so that completion reaches
     * the {@link Aio}.
     *
     * @param notifier what delivers completions to the {@link Aio}'s event loop
     * @param token    identifies the {@link Aio} to the notifier
     */
    void register(AioNotifier notifier, long token);

    /**
     * Called once by {@link Aio#intoInner()} or {@link Aio#close()}: forget the notifier. Requests already
     * in flight still complete (their memory stays pinned until they are reaped); only the notification
     * of the {@link Aio} stops.
     */
    void deregister();
}

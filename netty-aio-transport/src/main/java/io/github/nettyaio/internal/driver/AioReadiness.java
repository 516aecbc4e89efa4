/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

/** What a driver tells one registered {@code Aio}: a notification arrived, or the loop is gone. */
public interface AioReadiness {
    /** A completion notification for this registration arrived (loop thread; must not throw). */
    void notified();

    /** The loop terminated: fail every pending and later readiness with {@code cause}. */
    void failed(Throwable cause);
}

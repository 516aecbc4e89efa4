/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import java.io.IOException;

/**
 * How a {@link PosixAioReaper} asleep in {@code aio_suspend} learns of new requests: {@link EventfdReaperWake}
 * (Linux) or {@link TimedReaperWake} (elsewhere, or on request). Chosen once, when the reaper is created.
 * {@link #wake} may be called from any thread; every other method only on the reaper's thread (after
 * {@link #start()}). Failures to wake are logged, never thrown.
 *
 * <p>It is critical that a wake-up never gets lost: a request that joins while the reaper sleeps must end the
 * sleep, or at least bound it.
 */
interface ReaperWake {
    /** Prepares the wake-up before the reaper thread starts. */
    void start() throws IOException;

    /** How many entries {@link #writeListHead} writes: the wake-up's own control blocks. */
    int listEntries();

    /** Writes the wake-up's control blocks at the start of the {@code aio_suspend} list at {@code list}. */
    void writeListHead(long list);

    /** The {@code struct timespec} to give {@code aio_suspend}, or 0 to sleep until a listed request finishes. */
    long timeout();

    /** Ends (or bounds) the reaper's sleep so it looks at its requests again; any thread. */
    void wake(Thread reaper);

    /** After {@code aio_suspend} returned: take a wake-up that arrived and get ready for the next. */
    void rearm() throws IOException;

    /** A snapshot for diagnostics. */
    String debugState();
}

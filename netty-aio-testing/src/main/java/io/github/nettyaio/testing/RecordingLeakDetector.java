/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link ResourceLeakDetector} that logs like Netty's and also records every leak it reports, so that
 * {@link LeakCheckExtension} can fail the build. Installed by Surefire through
 * {@code -Dio.netty.customResourceLeakDetector}.
 *
 * <p>One exception to the logging: a leak made on purpose, by a test proving that leaks are caught, and marked so
 * by a {@code touch(}{@link #DELIBERATE_LEAK_HINT}{@code )}, is recorded like any other (that test drains it with
 * {@link #drainDeliberate()}; left undrained, it fails the build as any leak does) but not logged as Netty's
 * {@code SEVERE: LEAK}: a single line on standard output says that the deliberate leak was detected. Every other
 * leak is logged by Netty's detector as usual. Leaks are reported on whichever thread polls the detector's
 * queue; the record is synchronized, read from any thread.
 *
 * <p>It is critical that a test leaking on purpose drains its leak: left recorded, it fails the class.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    /**
     * The hint that marks a leak as deliberate (see the class description): only tests proving the leak check
     * touch a buffer with it.
     */
    public static final String DELIBERATE_LEAK_HINT =
            "netty-aio: a leak made on purpose by a test of the leak check (expected; not logged as an error)";
    private static final List<String> LEAKS = new ArrayList<>();

    /** The constructor Netty's factory calls reflectively. */
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /**
     * The obsolete constructor Netty's factory also looks up (and complains about when it is missing).
     *
     * @deprecated only for Netty's factory
     */
    @Deprecated
    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    /** Returns and forgets the leaks reported so far. */
    public static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    /**
     * Returns and forgets the deliberate leaks (marked with {@link #DELIBERATE_LEAK_HINT}) reported so far; the
     * others stay, for {@link LeakCheckExtension}.
     */
    public static List<String> drainDeliberate() {
        return drain(leak -> leak.contains(DELIBERATE_LEAK_HINT));
    }

    /** Returns and forgets the leaks reported so far that {@code which} accepts; the others stay. */
    public static List<String> drain(Predicate<String> which) {
        synchronized (LEAKS) {
            List<String> taken = new ArrayList<>();
            for (Iterator<String> leaks = LEAKS.iterator(); leaks.hasNext(); ) {
                String leak = leaks.next();
                if (which.test(leak)) {
                    taken.add(leak);
                    leaks.remove();
                }
            }
            return taken;
        }
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        if (records.contains(DELIBERATE_LEAK_HINT)) {
            System.out.println("RecordingLeakDetector: detected the " + resourceType + " leak a test made on purpose"
                    + " (expected: it proves that leaks are caught; recorded, not logged as an error)");
        } else {
            super.reportTracedLeak(resourceType, records);
        }
        record("LEAK: " + resourceType + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        super.reportUntracedLeak(resourceType);
        record("LEAK (untraced): " + resourceType);
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ResourceLeakDetector} that logs like Netty's and also records every leak it reports, so that
 * {@link LeakCheckExtension} can fail the build. Installed by Surefire through
 * {@code -Dio.netty.customResourceLeakDetector}.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
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

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        super.reportTracedLeak(resourceType, records);
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

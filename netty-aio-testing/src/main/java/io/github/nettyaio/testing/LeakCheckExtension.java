/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty's leak detector reported a leak while it (or an earlier class) ran.
 * Registered for every test through JUnit's extension auto-detection (see
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and Surefire's configuration).
 *
 * <p>Leak detection is driven by garbage collection: after each class this asks for a GC and then
 * allocates and releases a few tracked buffers, which makes the detector poll its reference queue. A leak
 * whose reference is enqueued later is caught after a later class. Runs on JUnit's thread after each class and
 * fails it with an {@link AssertionError} listing the leaks.
 *
 * <p>It is critical that Surefire runs with {@code -Dio.netty.leakDetection.level=paranoid} and installs
 * {@link RecordingLeakDetector}: without them no leak is recorded, so this check fails every class instead.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    /** Fails the finished class when leaks were reported (on JUnit's thread); see the class description. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (!(ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID)) {
            throw new AssertionError("tests must run with -Dio.netty.leakDetection.level=paranoid, not "
                    + ResourceLeakDetector.getLevel());
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
            poke();
        }
        List<String> leaks = RecordingLeakDetector.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty resource leak(s) reported by the time "
                    + context.getDisplayName() + " finished:\n" + String.join("\n\n", leaks));
        }
    }

    private static void poke() {
        for (int i = 0; i < 4; i++) {
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
            unpooled.release();
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(8);
            pooled.release();
        }
    }
}

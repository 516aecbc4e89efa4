/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leak check can fail: a buffer dropped without release is reported to {@link RecordingLeakDetector}. The
 * leaks made here are deliberate and say so: the one marked with {@link RecordingLeakDetector#DELIBERATE_LEAK_HINT}
 * is recorded without Netty's {@code SEVERE: LEAK} log line, and the unmarked one, which proves that every other
 * leak is still logged, is logged into this test's handler instead of the console.
 */
class LeakCheckExtensionTest {
    /** A hint only {@link #anUnmarkedLeakIsStillLoggedAsSevere} touches its buffer with, to find its report. */
    private static final String UNMARKED = "LeakCheckExtensionTest: the unmarked leak";

    @Test
    void paranoidLevelAndRecordingDetectorAreInstalled() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }

    @Test
    void aDeliberateLeakIsRecordedWithoutASevereLog() {
        System.out.println("LeakCheckExtensionTest: leaking a buffer on purpose, to prove that leaks are detected;"
                + " the report is expected and is not logged as an error");
        try (LeakLog log = LeakLog.capture(false)) {
            leak(RecordingLeakDetector.DELIBERATE_LEAK_HINT);
            // Drained here (only the deliberate one), so the extension does not fail this class for it.
            List<String> leaks = awaitLeaks(RecordingLeakDetector::drainDeliberate);
            assertTrue(leaks.stream().anyMatch(l -> l.contains("ByteBuf")), "no leak recorded: " + leaks);
            assertTrue(leaks.stream().allMatch(l -> l.contains("aDeliberateLeakIsRecordedWithoutASevereLog")),
                    String.valueOf(leaks));
            assertEquals(List.of(), log.leakMessages(), "the deliberate leak was logged by Netty's detector");
        }
    }

    @Test
    void anUnmarkedLeakIsStillLoggedAsSevere() {
        Assumptions.assumeTrue(InternalLoggerFactory.getDefaultFactory() instanceof JdkLoggerFactory,
                "Netty logs through " + InternalLoggerFactory.getDefaultFactory() + ", not java.util.logging");
        System.out.println("LeakCheckExtensionTest: leaking a buffer on purpose without the mark, to prove that"
                + " such leaks are still logged as errors; that log goes to this test, not to the console");
        List<String> leaks;
        List<String> logged;
        try (LeakLog log = LeakLog.capture(true)) {
            leak(UNMARKED);
            leaks = awaitLeaks(() -> RecordingLeakDetector.drain(l -> l.contains(UNMARKED)));
            logged = log.leakMessages();
        }
        assertTrue(leaks.stream().anyMatch(l -> l.contains("ByteBuf")), "no leak recorded: " + leaks);
        assertTrue(logged.stream().anyMatch(l -> l.startsWith("SEVERE ") && l.contains("LEAK: ByteBuf.release()")
                && l.contains(UNMARKED)), "the unmarked leak was not logged as SEVERE: " + logged);
    }

    /** Collects GC'd leaks with {@code drain} until one is found (at most 50 collections). */
    private static List<String> awaitLeaks(Supplier<List<String>> drain) {
        List<String> leaks = List.of();
        for (int i = 0; i < 50 && leaks.isEmpty(); i++) {
            System.gc();
            ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
            b.release();                     // makes the detector poll its reference queue
            leaks = drain.get();
        }
        return leaks;
    }

    private static void leak(String hint) {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.touch(hint);
        b.writeInt(42);
        // dropped without release()
    }

    /**
     * The records logged by Netty's leak detector (through java.util.logging) while open; with {@code hide}, they
     * don't reach the console meanwhile.
     */
    private static final class LeakLog extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger(ResourceLeakDetector.class.getName());
        private final boolean hide;
        private final boolean parentHandlers;
        private final List<String> messages = new ArrayList<>();

        private LeakLog(boolean hide) {
            this.hide = hide;
            this.parentHandlers = logger.getUseParentHandlers();
        }

        static LeakLog capture(boolean hide) {
            LeakLog log = new LeakLog(hide);
            log.logger.addHandler(log);
            if (hide) {
                log.logger.setUseParentHandlers(false);
            }
            return log;
        }

        @Override
        public synchronized void publish(LogRecord record) {
            String m = record.getMessage();
            if (record.getParameters() != null) {
                m = m + " " + java.util.Arrays.toString(record.getParameters());
            }
            messages.add(record.getLevel() + " " + m);
        }

        /** The messages logged that report a leak. */
        synchronized List<String> leakMessages() {
            List<String> out = new ArrayList<>();
            for (String m : messages) {
                if (m.contains("LEAK")) {
                    out.add(m);
                }
            }
            return out;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            if (hide) {
                logger.setUseParentHandlers(parentHandlers);
            }
        }
    }
}

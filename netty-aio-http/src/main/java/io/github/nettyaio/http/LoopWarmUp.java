/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import java.io.IOException;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Loads, before any event loop needs it, what a server's loops would otherwise load lazily from the JDK's files:
 * the time-zone database and date formatting ({@link HttpDates#warmUp()}), and what {@code java.util.logging}
 * needs to format a record with a stack trace (its formatters print the time in the default zone). A loop that
 * loads one of these lazily blocks on the disk, and when descriptors run out fails with an {@code Error} that
 * ends the loop's thread (the logging of the "Too many open files" failure itself triggers it).
 *
 * <p>{@link #warmUp()} runs on the calling thread and may block: call it once at start-up, before binding. It
 * formats the record through the handlers configured at that moment (root logger's), without publishing it;
 * pitfall: handlers installed later (another formatter, another logging back-end) are not warmed up.
 */
public final class LoopWarmUp {
    private LoopWarmUp() {
    }

    /**
     * Warms up date formatting and log formatting on the calling thread.
     *
     * @throws RuntimeException whatever the JDK or a configured formatter throws (nothing is swallowed: a
     *                          start-up that can't load these would fail later on a loop)
     */
    public static void warmUp() {
        HttpDates.warmUp();
        LogRecord record = new LogRecord(Level.WARNING, "warm-up {0} {1}");
        record.setParameters(new Object[] {1, "x"});
        record.setLoggerName(LoopWarmUp.class.getName());
        record.setThrown(new IOException("warm-up", new IllegalStateException("cause")));
        record.setSourceClassName(LoopWarmUp.class.getName());
        record.setSourceMethodName("warmUp");
        for (Logger l = Logger.getLogger(LoopWarmUp.class.getName()); l != null; l = l.getParent()) {
            for (Handler h : l.getHandlers()) {
                Formatter f = h.getFormatter();
                if (f != null) {
                    f.format(record);
                }
            }
        }
        new java.util.logging.SimpleFormatter().format(record);
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A server-channel handler that stops accepting for a while when the process (or the system) has no descriptor
 * left: on an {@link IOException} saying "Too many open files" (EMFILE, and ENFILE's "... in system") it turns the
 * server channel's {@code autoRead} off, turns it on again after a pause that starts at 10 ms and doubles up to 1 s,
 * and resets the pause once a connection is accepted again. It logs one WARN per pause, with how many failures it
 * swallowed since the last one, and does not pass these exceptions on (so neither Netty's
 * {@code ServerBootstrapAcceptor} nor the pipeline's tail logs them); other exceptions pass unchanged.
 * Install it with {@code ServerBootstrap.handler(new AcceptBackoff())}, one instance per server channel (it is
 * not {@link io.netty.channel.ChannelHandler.Sharable}). All methods run on the server channel's event loop.
 *
 * <p>Pitfall, io_uring: with multishot accept (Netty's default where the kernel supports it), Netty re-arms the
 * accept after every failed completion whatever {@code autoRead} says, so the loop keeps failing accepts as fast
 * as the kernel answers; this handler then only keeps the log quiet. Call {@link #disableIoUringMultishotAccept()}
 * before Netty's {@code IoUring} class is initialised to make the pause real.
 *
 * <p>The WARN line carries no stack trace and is formatted from constants and numbers, so logging it loads
 * nothing new; still, the logging back-end must have formatted one record before (see {@link LoopWarmUp}).
 */
public final class AcceptBackoff extends ChannelInboundHandlerAdapter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AcceptBackoff.class);
    /** The system property Netty's io_uring transport reads once, when its {@code IoUring} class initialises. */
    public static final String IO_URING_MULTISHOT_ACCEPT = "io.netty.iouring.acceptMultiShotEnabled";

    private final long firstPauseNanos;
    private final long maxPauseNanos;
    private long pauseNanos;
    private long suppressed;
    private long failures;
    private ScheduledFuture<?> resume;

    /** Pauses of 10 ms, doubling up to 1 s. */
    public AcceptBackoff() {
        this(10, 1000, TimeUnit.MILLISECONDS);
    }

    /**
     * Pauses of {@code first}, doubling up to {@code max}.
     *
     * @throws IllegalArgumentException {@code first} is not positive or {@code max} is less than {@code first}
     */
    public AcceptBackoff(long first, long max, TimeUnit unit) {
        if (first <= 0 || max < first) {
            throw new IllegalArgumentException("need 0 < first <= max: " + first + ", " + max);
        }
        this.firstPauseNanos = unit.toNanos(first);
        this.maxPauseNanos = unit.toNanos(max);
        this.pauseNanos = firstPauseNanos;
    }

    /**
     * Turns Netty's io_uring multishot accept off for this JVM, unless the system property
     * {@value #IO_URING_MULTISHOT_ACCEPT} was given, so a paused io_uring server channel really stops accepting.
     * Pitfall: Netty reads the property once, when its {@code IoUring} class initialises (the first
     * {@code IoUring.isAvailable()} or io_uring loop); call this first thing in {@code main}.
     */
    public static void disableIoUringMultishotAccept() {
        if (System.getProperty(IO_URING_MULTISHOT_ACCEPT) == null) {
            System.setProperty(IO_URING_MULTISHOT_ACCEPT, "false");
        }
    }

    /** Whether {@code cause} (or one of its causes) says the process or the system has no descriptor left. */
    public static boolean isDescriptorExhaustion(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                String m = t.getMessage();
                if (m != null && m.contains("Too many open files")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How many descriptor-exhaustion failures this handler has seen (for tests and metrics). */
    public long failures() {
        return failures;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (resume == null) {
            pauseNanos = firstPauseNanos;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!isDescriptorExhaustion(cause)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        failures++;
        if (resume != null) {
            suppressed++;
            return;
        }
        Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        long pause = pauseNanos;
        pauseNanos = Math.min(maxPauseNanos, pauseNanos * 2);
        if (logger.isWarnEnabled()) {
            logger.warn("{}: no descriptor left to accept a connection ({}); not accepting for {} ms"
                            + " ({} further failures since the last warning)",
                    ch.localAddress(), cause.getMessage(), TimeUnit.NANOSECONDS.toMillis(pause), suppressed);
        }
        suppressed = 0;
        resume = ctx.executor().schedule(() -> {
            resume = null;
            if (ch.isOpen()) {
                ch.config().setAutoRead(true);
            }
        }, pause, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (resume != null) {
            resume.cancel(false);
            resume = null;
        }
        ctx.fireChannelInactive();
    }
}

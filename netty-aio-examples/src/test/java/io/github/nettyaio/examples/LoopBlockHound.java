/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.ThreadExecutorMap;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * BlockHound set up for the examples' server: every Netty event-loop thread is non-blocking, every other thread
 * (HttpFileService's {@code disk-N}, netty-aio's {@code netty-aio-blocking} pool, the test's clients) may
 * block; the JDK's file reads and writes, {@code java.nio.file} calls and netty-aio's own opening are blocking too.
 * A blocking call on a loop is recorded (with its thread and stack), not thrown: a thrown error on a loop is caught
 * and logged by Netty, the request may still succeed, and a test would not see it. Tests {@link #drain()} the
 * record and assert it empty.
 *
 * <p>Needs a JVM started with {@code -XX:+AllowRedefinitionToAddDeleteMethods} (JDK 13+) and is installed once per
 * JVM for good: the {@code blockhound} surefire execution of this module runs the {@code BlockHound*Test} classes
 * alone, with the flag and the property {@code nettyaio.blockhound=true}; elsewhere {@link #install()} skips the
 * calling test.
 *
 * <p>Netty's own integration ({@code io.netty.util.internal.Hidden$NettyBlockHoundIntegration}, found by
 * {@code ServiceLoader} by {@link BlockHound#install}) is deliberately not loaded: its thread predicate counts
 * every {@link FastThreadLocalThread} as non-blocking, which includes {@code disk-N} and
 * {@code netty-aio-blocking} (made by Netty's {@code DefaultThreadFactory}), whose job is to block; and it allows
 * anything inside {@code SSLEngineImpl.wrap/unwrap} and {@code SslHandler}'s delegated tasks, which would hide a
 * handshake reading {@code /dev/urandom} or a key file on the loop. Its other allowances are copied below, each
 * with its reason.
 */
final class LoopBlockHound {
    /** One blocking call seen on a loop. */
    static final class Report {
        final String thread;
        final String method;
        final StackTraceElement[] stack;

        Report(String thread, String method, StackTraceElement[] stack) {
            this.thread = thread;
            this.method = method;
            this.stack = stack;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("blocking call ").append(method).append(" on ").append(thread);
            for (StackTraceElement e : stack) {
                b.append("\n\tat ").append(e);
            }
            return b.toString();
        }
    }

    private static final ConcurrentLinkedQueue<Report> REPORTS = new ConcurrentLinkedQueue<>();
    private static boolean installed;

    private LoopBlockHound() {
    }

    /**
     * Whether {@code t} is an event-loop thread: a {@link FastThreadLocalThread} running a Netty {@link EventLoop}
     * (the server's boss and worker loops, netty-aio's shared io_uring loop). Asked by BlockHound on the thread
     * itself, the first time it reaches an instrumented method (after the loop set itself up:
     * {@code SingleThreadEventExecutor} runs inside {@code ThreadExecutorMap.apply}); the thread pools of
     * HttpFileService's disk threads and of netty-aio's blocking engine run no {@code EventLoop}, so they may block.
     */
    static boolean isEventLoopThread(Thread t) {
        return t instanceof FastThreadLocalThread && t == Thread.currentThread()
                && ThreadExecutorMap.currentExecutor() instanceof EventLoop;
    }

    /** Installs BlockHound (once per JVM), or skips the calling test where the JVM can't run it. */
    static synchronized void install() {
        assumeTrue(Boolean.getBoolean("nettyaio.blockhound"),
                "BlockHound tests run in the `blockhound` surefire execution"
                        + " (-XX:+AllowRedefinitionToAddDeleteMethods)");
        if (installed) {
            return;
        }
        BlockHound.Builder b = BlockHound.builder()
                .nonBlockingThreadPredicate(p -> p.or(LoopBlockHound::isEventLoopThread))
                .blockingMethodCallback(LoopBlockHound::record);
        markFileIo(b);
        allowNettyInternals(b);
        allowJdkTls(b);
        b.install();
        installed = true;
    }

    /** What BlockHound does not count as blocking by itself: file I/O through NIO channels and java.nio.file. */
    private static void markFileIo(BlockHound.Builder b) {
        // FileChannel reads, writes and force (FileChannelImpl -> IOUtil -> FileDispatcherImpl).
        String fd = "sun.nio.ch.FileDispatcherImpl";
        b.markAsBlocking(fd, "read0", "(Ljava/io/FileDescriptor;JI)I");
        b.markAsBlocking(fd, "pread0", "(Ljava/io/FileDescriptor;JIJ)I");
        b.markAsBlocking(fd, "readv0", "(Ljava/io/FileDescriptor;JI)J");
        b.markAsBlocking(fd, "write0", "(Ljava/io/FileDescriptor;JI)I");
        b.markAsBlocking(fd, "pwrite0", "(Ljava/io/FileDescriptor;JIJ)I");
        b.markAsBlocking(fd, "writev0", "(Ljava/io/FileDescriptor;JI)J");
        b.markAsBlocking(fd, "force0", "(Ljava/io/FileDescriptor;Z)I");
        // Handing a task to a thread pool (the disk threads, netty-aio's blocking engine and its deleter) takes the
        // pool's queue lock for a few instructions: under contention that parks briefly, waiting for no I/O (the
        // same as Netty's own addTask allowance below). What the task does runs on the pool, which may block.
        b.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "execute");
        // Not file I/O: a NIO socket's writes and scattering reads (SocketChannelImpl -> SocketDispatcher) reuse
        // FileDispatcherImpl's write0/writev0/readv0 natives (JDK 17), on the channel's non-blocking socket.
        b.allowBlockingCallsInside("sun.nio.ch.SocketDispatcher", "read");
        b.allowBlockingCallsInside("sun.nio.ch.SocketDispatcher", "readv");
        b.allowBlockingCallsInside("sun.nio.ch.SocketDispatcher", "write");
        b.allowBlockingCallsInside("sun.nio.ch.SocketDispatcher", "writev");
        // java.nio.file on Unix: open, stat, realpath, listings, renames, links, deletes.
        String u = "sun.nio.fs.UnixNativeDispatcher";
        b.markAsBlocking(u, "open0", "(JII)I");
        b.markAsBlocking(u, "openat0", "(IJII)I");
        b.markAsBlocking(u, "stat0", "(JLsun/nio/fs/UnixFileAttributes;)V");
        b.markAsBlocking(u, "stat1", "(J)I");
        b.markAsBlocking(u, "lstat0", "(JLsun/nio/fs/UnixFileAttributes;)V");
        b.markAsBlocking(u, "fstatat0", "(IJILsun/nio/fs/UnixFileAttributes;)V");
        b.markAsBlocking(u, "realpath0", "(J)[B");
        b.markAsBlocking(u, "readlink0", "(J)[B");
        b.markAsBlocking(u, "opendir0", "(J)J");
        b.markAsBlocking(u, "readdir", "(J)[B");
        b.markAsBlocking(u, "rename0", "(JJ)V");
        b.markAsBlocking(u, "renameat0", "(IJIJ)V");
        b.markAsBlocking(u, "unlink0", "(J)V");
        b.markAsBlocking(u, "mkdir0", "(JI)V");
        b.markAsBlocking(u, "access0", "(JI)V");
        b.markAsBlocking(u, "exists0", "(J)Z");
        // netty-aio's own opening (open(2) through JNA, then fstat): PosixFiles.open/openPositional both end here.
        // LibC's natives themselves (pread, pwrite, fsync, ...) can't be wrapped: BlockHound renames a wrapped
        // native ($$BlockHound$$_pread) and JNA's Native.register binds natives by their Java name, so LibC fails to
        // initialise (tried: the BLOCKING engine's reads then fail, 500). BlockHoundTest runs that engine, whose
        // pread/pwrite/fsync run on its netty-aio-blocking pool, with the rest watched.
        b.markAsBlocking("io.github.nettyaio.sys.PosixFiles", "open",
                "(Ljava/nio/file/Path;Z[Ljava/nio/file/OpenOption;)Lio/github/nettyaio/sys/PosixFileDescriptor;");
    }

    /**
     * The one allowance for the JDK's TLS: the salt of TLS 1.3's RSA-PSS {@code CertificateVerify} signature. The
     * JDK signs the handshake with {@code Signature.initSign(key)}, without the SSL context's random (which
     * {@link TlsCredentials#newServerContext()} makes a seeded, non-blocking DRBG), so the salt comes from the
     * JVM-wide default {@code SecureRandom}, {@code NativePRNG}, which re-reads {@code /dev/urandom} when its buffer
     * is over 100 ms old. No server code can change that default (short of a JVM-wide security property), and
     * {@code /dev/urandom} is the kernel's CSPRNG, a character device: the read waits for no disk. Allowed only
     * there: a read of the context's random or the blinding parameters (see TlsCredentials) is still reported.
     */
    private static void allowJdkTls(BlockHound.Builder b) {
        b.allowBlockingCallsInside("sun.security.rsa.RSAPSSSignature", "encodeSignature");
    }

    /**
     * The allowances of Netty's own BlockHound integration (netty-common 4.2.18, {@code Hidden}) that concern
     * Netty's internals, not the application's work; without the SSL ones (see the class comment).
     */
    private static void allowNettyInternals(BlockHound.Builder b) {
        // A loop that caught an unexpected exception sleeps 1 s so as not to spin on it (an error path).
        b.allowBlockingCallsInside("io.netty.channel.nio.NioEventLoop", "handleLoopException");
        b.allowBlockingCallsInside("io.netty.channel.epoll.EpollEventLoop", "handleLoopException");
        // Shutting a loop down waits for its quiet period: the loop is ending, nothing else runs on it.
        b.allowBlockingCallsInside("io.netty.util.concurrent.SingleThreadEventExecutor", "confirmShutdown");
        // Not in Netty's list: an io_uring loop that has stopped (SingleThreadIoEventLoop.cleanup -> destroy)
        // spin-waits (Thread.onSpinWait) for a wake-up still being written to its eventfd before closing the ring.
        // The loop serves nothing any more; seen in BlockHoundTest's close with the BLOCKING and POSIX_AIO engines.
        b.allowBlockingCallsInside("io.netty.channel.uring.IoUringIoHandler", "closeWakeupGate");
        // The task queues' (and the global executor's) short internal locks, taken by producers on any thread.
        b.allowBlockingCallsInside("io.netty.util.concurrent.SingleThreadEventExecutor", "takeTask");
        b.allowBlockingCallsInside("io.netty.util.concurrent.SingleThreadEventExecutor", "addTask");
        b.allowBlockingCallsInside("io.netty.util.concurrent.SingleThreadEventExecutor", "pollTaskFrom");
        b.allowBlockingCallsInside("io.netty.util.concurrent.GlobalEventExecutor", "takeTask");
        b.allowBlockingCallsInside("io.netty.util.concurrent.GlobalEventExecutor", "addTask");
        // The pooled allocator's arenas lock briefly (shared between the loops).
        b.allowBlockingCallsInside("io.netty.buffer.PoolArena", "lock");
        b.allowBlockingCallsInside("io.netty.buffer.PoolSubpage", "lock");
        b.allowBlockingCallsInside("io.netty.buffer.PoolChunk", "allocateRun");
        b.allowBlockingCallsInside("io.netty.buffer.PoolChunk", "free");
        b.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$1", "initialValue");
        b.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$1", "onRemoval");
        // A release that lost a race yields once (Thread.yield) before retrying.
        b.allowBlockingCallsInside("io.netty.util.internal.ReferenceCountUpdater", "retryRelease0");
        // The timer's thread start/stop handshake (the server starts no HashedWheelTimer; kept from Netty's list).
        b.allowBlockingCallsInside("io.netty.util.HashedWheelTimer", "start");
        b.allowBlockingCallsInside("io.netty.util.HashedWheelTimer", "stop");
    }

    private static void record(BlockingMethod m) {
        StackTraceElement[] all = new Throwable().getStackTrace();
        int from = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i].getClassName().equals("reactor.blockhound.BlockHoundRuntime")
                    && all[i].getMethodName().equals("checkBlocking")) {
                from = i + 1;
                break;
            }
        }
        StackTraceElement[] stack = new StackTraceElement[all.length - from];
        System.arraycopy(all, from, stack, 0, stack.length);
        REPORTS.add(new Report(Thread.currentThread().getName(), m.toString(), stack));
    }

    /** The blocking calls seen on loops since the last drain, oldest first. */
    static List<Report> drain() {
        List<Report> out = new ArrayList<>();
        for (Report r; (r = REPORTS.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }
}

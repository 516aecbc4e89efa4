/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.github.nettyaio.internal.StagedBuffers;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * The engine requests an {@link AioFile} operation is made of, chained: one read, reads until the destination is
 * full, writes until the source is written, a sync. Each step retries what the kernel refused, maps a failure to
 * {@link FileErrors} and ends the {@link FileOperation}. Steps run on the file's loop, as the engine completes them.
 * It is critical that each step checks {@link FileOperation#finishIfFailedEarly} before it touches the caller's
 * buffers: the future may have failed while the kernel had the step.
 */
final class OperationSteps {
    private final FileEngine engine;
    private final int fd;
    private final FileErrors errors;
    private final OutstandingOperations outstanding;
    /** {@link AlignedBuffers#DIRECT_ALIGNMENT} for an {@code O_DIRECT} file, else 1. */
    private final int stagingAlignment;

    OperationSteps(FileEngine engine, int fd, FileErrors errors, OutstandingOperations outstanding,
                   int stagingAlignment) {
        this.engine = engine;
        this.fd = fd;
        this.errors = errors;
        this.outstanding = outstanding;
        this.stagingAlignment = stagingAlignment;
    }

    /** Reads into {@code dst} until it is full or EOF; succeeds {@code op} with the total. */
    void readFully(FileOperation<Integer> op, ByteBuf dst, StagedBuffers s, long position, int total) {
        readOnce(op, s, position, r -> {
            if (r == 0) {
                op.succeed(total == 0 ? -1 : total);
                return;
            }
            int sum = total + (int) r;
            // Under O_DIRECT a read that ends off a block boundary ended at EOF (a regular file reads whole
            // blocks otherwise); reading on from there would be misaligned (EINVAL).
            boolean endedOffBlock = stagingAlignment > 1 && (r & (stagingAlignment - 1)) != 0;
            if (!dst.isWritable() || op.promise().isDone() || endedOffBlock) {
                op.succeed(sum);
                return;
            }
            StagedBuffers next = op.stage(true, dst);
            if (next != null) {
                readFully(op, dst, next, position + r, sum);
            }
        });
    }

    /** One pread into {@code s}; on success moves indices and calls {@code then} with the byte count. */
    void readOnce(FileOperation<?> op, StagedBuffers s, long position, LongConsumer then) {
        transfer(true, s, position, r -> {
            if (outstanding.retryLater(op, r, () -> readOnce(op, s, position, then))) {
                return;
            }
            if (op.finishIfFailedEarly(s)) {
                return;
            }
            if (r < 0) {
                IOException e = errors.transfer(s.isVectored() ? "preadv" : "pread", r, position, s.length());
                s.release();
                op.fail(e);
            } else {
                op.stepSucceeded();
                s.complete(r);
                then.accept(r);
            }
        });
    }

    /** Writes {@code s}, then, after a short write, the rest of {@code srcs}; calls {@code then} with the total. */
    void write(FileOperation<?> op, ByteBuf[] srcs, StagedBuffers s, long position, long total,
                           LongConsumer then) {
        if (s.length() == 0) {
            s.release();
            then.accept(total);
            return;
        }
        transfer(false, s, position, r -> {
            if (outstanding.retryLater(op, r, () -> write(op, srcs, s, position, total, then))) {
                return;
            }
            if (op.finishIfFailedEarly(s)) {
                return;
            }
            if (r < 0) {
                IOException e = errors.transfer(s.isVectored() ? "pwritev" : "pwrite", r, position, s.length());
                s.release();
                op.fail(e);
            } else if (r == 0) {
                s.release();
                op.fail(errors.zeroWrite(s.length()));
            } else {
                op.stepSucceeded();
                s.complete(r);
                long sum = total + r;
                if (r < s.length() && !op.promise().isDone()) {
                    StagedBuffers rest = op.stage(false, srcs);
                    if (rest != null) {
                        write(op, srcs, rest, position + r, sum, then);
                    }
                } else {
                    then.accept(sum);
                }
            }
        });
    }

    /** One engine request for {@code s}: an {@code iovec} array when it is vectored, else one region. */
    private void transfer(boolean read, StagedBuffers s, long position, FileEngine.Completion done) {
        if (s.isVectored()) {
            if (read) {
                engine.readv(fd, s.address(), s.iovecCount(), position, done);
            } else {
                engine.writev(fd, s.address(), s.iovecCount(), position, done);
            }
        } else if (read) {
            engine.read(fd, s.address(), s.length(), position, done);
        } else {
            engine.write(fd, s.address(), s.length(), position, done);
        }
    }

    /** {@code fsync}, or {@code fdatasync} if {@code dataOnly}; succeeds {@code op} with null. */
    void sync(FileOperation<Void> op, boolean dataOnly) {
        engine.sync(fd, dataOnly, r -> {
            if (outstanding.retryLater(op, r, () -> sync(op, dataOnly))) {
                return;
            }
            if (r < 0) {
                op.fail(errors.sync(dataOnly, r));
            } else {
                op.succeed(null);
            }
        });
    }
}

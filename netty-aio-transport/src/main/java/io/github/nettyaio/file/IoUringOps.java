/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.file;

import io.netty.channel.uring.IoUringIoOps;

/**
 * The io_uring submissions of {@link IoUringFileEngine}: the opcodes it uses and one factory per SQE layout, in place
 * of Netty's 13-argument {@link IoUringIoOps} constructor. Values only: any thread, nothing here fails.
 *
 * <p>It is critical that a file operation's {@code userData} be its slot in {@link IoUringFileHandle}: the
 * completion brings back only that number.
 */
final class IoUringOps {
    // io_uring uapi values (include/uapi/linux/io_uring.h), as in Netty's package-private Native.
    /** {@code IORING_OP_READV}. */
    static final byte IORING_OP_READV = 1;
    /** {@code IORING_OP_WRITEV}. */
    static final byte IORING_OP_WRITEV = 2;
    /** {@code IORING_OP_FSYNC}. */
    static final byte IORING_OP_FSYNC = 3;
    /** {@code IORING_OP_ASYNC_CANCEL}. */
    static final byte IORING_OP_ASYNC_CANCEL = 14;
    /** {@code IORING_OP_READ} (Linux 5.6). */
    static final byte IORING_OP_READ = 22;
    /** {@code IORING_OP_WRITE} (Linux 5.6). */
    static final byte IORING_OP_WRITE = 23;
    /** {@code IORING_FSYNC_DATASYNC}, in {@code fsync_flags}: {@code fdatasync} semantics. */
    static final int IORING_FSYNC_DATASYNC = 1;

    private IoUringOps() {
    }

    /**
     * The SQE of a file operation: {@code READ}, {@code WRITE} (at {@code address}, {@code length} bytes),
     * {@code READV}, {@code WRITEV} ({@code address} of {@code length} {@code iovec}s) or {@code FSYNC}
     * ({@code offset}, {@code address} and {@code length} 0), which share one layout.
     *
     * @param opFlags  {@code rw_flags}, or for {@code FSYNC} its {@code fsync_flags} ({@link #fsyncFlags})
     * @param userData what the completion brings back: the operation's slot
     */
    static IoUringIoOps fileOp(byte opcode, int fd, long offset, long address, int length, int opFlags,
                               long userData) {
        return new IoUringIoOps(opcode, (byte) 0, (short) 0, fd, offset, address, length, opFlags, userData,
                (short) 0, (short) 0, 0, 0L);
    }

    /** The {@code fsync_flags} of an {@code FSYNC}: {@link #IORING_FSYNC_DATASYNC} when {@code dataOnly}. */
    static int fsyncFlags(boolean dataOnly) {
        return dataOnly ? IORING_FSYNC_DATASYNC : 0;
    }

    /**
     * An {@code ASYNC_CANCEL} of the operation whose submission returned {@code targetId}; laid out as Netty's
     * {@code IoUringIoOps.newAsyncCancel} and liburing's {@code io_uring_prep_cancel64}.
     */
    static IoUringIoOps asyncCancel(long targetId, long userData) {
        return new IoUringIoOps(IORING_OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, targetId, 0, 0, userData,
                (short) 0, (short) 0, 0, 0L);
    }

    /**
     * A file operation queued before it has a slot: handed over to a shared ring, held back by
     * {@link IoUringSubmissionPacer}, or waiting for the file's registration. Fields as for {@link #fileOp}.
     */
    record Queued(byte opcode, int fd, long offset, long address, int length, int opFlags,
                  FileEngine.Completion done) {
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code struct aiocb} (above 400 lines: its life cycle, pinning, holds and Cleaner guard one memory block
 * and stay together) in native memory that never moves, with the life cycle POSIX requires: prepare →
 * submit → {@code aio_error} until not {@code EINPROGRESS} → {@code aio_return} exactly once → prepare again or
 * {@link #free()}. Netty-aio's requests use it through {@code io.github.nettyaio.internal.aiocb.AioRequest}.
 * The owner's calls are confined to one thread at a time; another thread that watches the block (the reaper)
 * takes a {@link #hold()} and reads it with {@link #aioErrorShared()}, and the memory then goes only after the
 * last {@link #unhold()}. Misuse throws {@link IllegalStateException}; a submission's errno is returned or
 * thrown as an {@link IOException}.
 *
 * <p>While in flight (submitted, not yet returned) the structure is never written and {@link #free()} refuses:
 * the kernel (FreeBSD) or glibc's AIO threads write into it. It is critical that the object given at submission
 * (the one referencing the data buffers) is what the kernel's memory hangs on: a global in-flight set keeps it
 * and the block strongly reachable until {@link #aioReturn()}; a block dropped without {@link #free()} is freed
 * by a {@link Cleaner}.
 */
public final class AioControlBlock {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AioControlBlock.class);

    /** What a submission asks for. */
    public enum Op {
        /** {@code aio_read}. */
        READ("aio_read"),
        /** {@code aio_write}. */
        WRITE("aio_write"),
        /** {@code aio_readv} (FreeBSD ≥ 13). */
        READV("aio_readv"),
        /** {@code aio_writev} (FreeBSD ≥ 13). */
        WRITEV("aio_writev"),
        /** {@code aio_fsync(O_SYNC)}. */
        FSYNC("aio_fsync"),
        /** {@code aio_fsync(O_DSYNC)}. */
        FDATASYNC("aio_fsync");

        final String function;

        Op(String function) {
            this.function = function;
        }

        /** The libc function that submits it, e.g. {@code "aio_read"}, for error messages. */
        public String function() {
            return function;
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();
    private static final Set<AioControlBlock> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private final Abi abi;
    private final long address;
    private final Memory memory;
    private final Cleaner.Cleanable cleanable;
    private final AtomicInteger refs = new AtomicInteger(1);
    private Object pinned;
    private final StructField fildes;
    private final StructField offset;
    private final StructField buf;
    private final StructField nbytes;
    private final StructField lioOpcode;
    private final long sigevent;
    /** Address of glibc's {@code __error_code}, or 0 where {@code aio_error} must be called. */
    private final long errorCodeAddress;
    /** Address of glibc's {@code __return_value}, or 0 where {@code aio_return} must be called. */
    private final long returnValueAddress;
    private int fd = -1;
    private boolean inFlight;
    private boolean freed;

    private AioControlBlock(Abi abi) {
        this.abi = abi;
        StructLayout layout = abi.aiocb();
        this.fildes = layout.field("aio_fildes");
        this.offset = layout.field("aio_offset");
        this.buf = layout.field("aio_buf");
        this.nbytes = layout.field("aio_nbytes");
        this.lioOpcode = layout.field("aio_lio_opcode");
        this.address = NativeMemory.allocateZeroed(layout.size());
        this.memory = new Memory(address);
        this.cleanable = CLEANER.register(this, memory);
        this.sigevent = address + layout.offset("aio_sigevent");
        this.errorCodeAddress = layout.has("__error_code") ? address + layout.offset("__error_code") : 0;
        this.returnValueAddress = layout.has("__return_value") ? address + layout.offset("__return_value") : 0;
        Sigevents.writeNone(abi, sigevent);
    }

    /**
     * Allocates a zeroed aiocb for the running platform, notifying with {@code SIGEV_NONE}.
     *
     * @throws UnsupportedOperationException where netty-aio has no ABI for the platform
     */
    public static AioControlBlock allocate() {
        return new AioControlBlock(Platform.abi());
    }

    /** Allocates a zeroed aiocb laid out for {@code abi} (tests use foreign ABIs to check layouts). */
    public static AioControlBlock allocate(Abi abi) {
        return new AioControlBlock(abi);
    }

    /** The aiocb's address (stable until {@link #free()}). */
    public long address() {
        return address;
    }

    /** The ABI this aiocb is laid out for. */
    public Abi abi() {
        return abi;
    }

    /** Whether a request was submitted and {@link #aioReturn()} has not been called yet. */
    public boolean inFlight() {
        return inFlight;
    }

    /**
     * Describes a contiguous transfer: {@code aio_fildes}, {@code aio_offset}, {@code aio_buf},
     * {@code aio_nbytes} and {@code aio_lio_opcode} (for {@code lio_listio}; pass {@code LIO_NOP} otherwise).
     *
     * @throws IllegalStateException if a request is in flight or the aiocb was freed
     */
    public void prepare(int fd, long fileOffset, long bufAddress, long length, int opcode) {
        checkWritable();
        this.fd = fd;
        NativeMemory.putField(address, fildes, fd);
        NativeMemory.putField(address, offset, fileOffset);
        NativeMemory.putField(address, buf, bufAddress);
        NativeMemory.putField(address, nbytes, length);
        NativeMemory.putField(address, lioOpcode, opcode);
    }

    /**
     * Describes a vectored transfer ({@code aio_iov}/{@code aio_iovcnt}, FreeBSD ≥ 13 only).
     *
     * @param iov    address of an {@code iovec} array that stays allocated until {@link #aioReturn()}
     * @param iovcnt entries in {@code iov}
     * @throws UnsupportedOperationException where the ABI has no vectored aiocb fields
     * @throws IllegalStateException         if a request is in flight or the aiocb was freed
     */
    public void prepareVectored(int fd, long fileOffset, long iov, int iovcnt, int opcode) {
        if (!abi.hasVectoredAio()) {
            throw new UnsupportedOperationException(abi.id() + " has no aio_readv/aio_writev");
        }
        checkWritable();
        this.fd = fd;
        StructLayout layout = abi.aiocb();
        NativeMemory.putField(address, fildes, fd);
        NativeMemory.putField(address, offset, fileOffset);
        NativeMemory.putField(address, layout.field("aio_iov"), iov);
        NativeMemory.putField(address, layout.field("aio_iovcnt"), iovcnt);
        NativeMemory.putField(address, lioOpcode, opcode);
    }

    /**
     * Notify through {@code SIGEV_NONE} (the default): completion is observed by polling.
     *
     * @throws IllegalStateException if a request is in flight or the aiocb was freed
     */
    public void notifyNone() {
        checkWritable();
        Sigevents.writeNone(abi, sigevent);
    }

    /**
     * Notify through {@code SIGEV_KEVENT} to kqueue {@code kq} with {@code udata} (FreeBSD).
     *
     * @throws UnsupportedOperationException where the platform has no kqueue AIO
     * @throws IllegalStateException         if a request is in flight or the aiocb was freed
     */
    public void notifyKevent(int kq, long udata, int flags) {
        checkWritable();
        Sigevents.writeKevent(abi, sigevent, kq, udata, flags);
    }

    /**
     * Submits the prepared request.
     *
     * @param target path or fd for error messages
     * @param pin    kept strongly reachable until {@link #aioReturn()} (the source owning the data buffers)
     * @throws IOException           the submission's errno (e.g. {@code EAGAIN}); nothing is then in flight
     * @throws IllegalStateException if a request is already in flight or the aiocb was freed
     */
    public void submit(Op op, String target, Object pin) throws IOException {
        int errno = trySubmit(op, pin);
        if (errno != 0) {
            throw Errno.newException(op.function, target, errno);
        }
    }

    /**
     * Submits the prepared request like {@link #submit(Op, String, Object)}, reporting failure as a value.
     *
     * @return 0 when the request is in flight, else the submission's errno (nothing is then in flight)
     * @throws IllegalStateException if a request is already in flight or the aiocb was freed
     */
    public int trySubmit(Op op, Object pin) {
        checkWritable();
        int rc;
        switch (op) {
            case READ:
                rc = PosixAio.aio_read(address);
                break;
            case WRITE:
                rc = PosixAio.aio_write(address);
                break;
            case READV:
                rc = VectoredAio.aio_readv(address);
                break;
            case WRITEV:
                rc = VectoredAio.aio_writev(address);
                break;
            case FSYNC:
                rc = PosixAio.aio_fsync(abi.constants().O_SYNC, address);
                break;
            case FDATASYNC:
                rc = PosixAio.aio_fsync(abi.constants().O_DSYNC, address);
                break;
            default:
                throw new IllegalArgumentException(String.valueOf(op));
        }
        if (rc != 0) {
            return LibC.errno();
        }
        enterFlight(pin);
        return 0;
    }

    private void enterFlight(Object pin) {
        inFlight = true;
        pinned = pin;
        IN_FLIGHT.add(this);
    }

    private void leaveFlight() {
        inFlight = false;
        pinned = null;
        IN_FLIGHT.remove(this);
    }

    /** How many control blocks of this process are in flight (submitted, not yet returned). */
    public static int inFlightCount() {
        return IN_FLIGHT.size();
    }

    /**
     * Marks this aiocb as handed to the kernel by {@code lio_listio} (which submits it as part of a list),
     * pinning {@code pin} like {@link #submit(Op, String, Object)} does. Call it before {@code lio_listio}.
     *
     * @throws IllegalStateException if a request is already in flight or the aiocb was freed
     */
    public void markSubmitted(Object pin) {
        checkWritable();
        enterFlight(pin);
    }

    /**
     * Marks a request the kernel refused at submission (for example an {@code lio_listio} entry that
     * {@code aio_error} reports as {@code EAGAIN} and that never started), so the aiocb can be prepared again.
     */
    public void markNotSubmitted() {
        leaveFlight();
    }

    /**
     * {@code aio_error}: 0 when done, {@code EINPROGRESS} while running, else the request's errno.
     *
     * @throws IllegalStateException if the aiocb was freed
     */
    public int aioError() {
        checkNotFreed();
        return aioErrorShared();
    }

    /**
     * {@code aio_error} for a thread that took a {@link #hold()}: valid even after the owner's
     * {@link #free()}, until the matching {@link #unhold()}. On glibc, whose {@code aio_error(3)} is nothing
     * but a read of the aiocb's {@code __error_code} (offset checked against the ABI tables), the field is
     * read directly with volatile semantics instead of through a native call.
     */
    public int aioErrorShared() {
        return errorCodeAddress != 0 ? NativeMemory.getIntVolatile(errorCodeAddress) : PosixAio.aio_error(address);
    }

    /** The file descriptor of the last {@link #prepare}d request, or -1. */
    public int fd() {
        return fd;
    }

    /** Keeps the memory allocated for another thread until {@link #unhold()}, even across {@link #free()}. */
    public void hold() {
        int value;
        do {
            value = refs.get();
            if (value == 0) {
                throw new IllegalStateException("aiocb was freed");
            }
        } while (!refs.compareAndSet(value, value + 1));
    }

    /** Releases a {@link #hold()}; frees the memory if the owner already freed the block. */
    public void unhold() {
        release();
    }

    private void release() {
        if (refs.decrementAndGet() == 0) {
            cleanable.clean();
        }
    }

    /**
     * {@code aio_return}: reaps a finished request, exactly once. Returns the byte count (or 0), or -1 when
     * the request failed (its errno was reported by {@link #aioError()} before).
     *
     * @throws IllegalStateException if no request is in flight or the aiocb was freed
     */
    public long aioReturn() {
        checkNotFreed();
        if (!inFlight) {
            throw new IllegalStateException("aio_return without a request in flight");
        }
        // glibc's aio_return(3) is a plain read of __return_value (no resources to release); FreeBSD's is a
        // system call that also frees the kernel's job, so it is always called there.
        long value = returnValueAddress != 0 ? NativeMemory.getLong(returnValueAddress)
                : PosixAio.aio_return(address);
        leaveFlight();
        return value;
    }

    /**
     * {@code aio_cancel(fd, aiocb)}: the raw result ({@code AIO_CANCELED}, {@code AIO_NOTCANCELED},
     * {@code AIO_ALLDONE}).
     *
     * @throws IOException           the call's errno (e.g. {@code EBADF})
     * @throws IllegalStateException if the aiocb was freed
     */
    public int cancel(int fd, String target) throws IOException {
        checkNotFreed();
        int rc = PosixAio.aio_cancel(fd, address);
        if (rc == -1) {
            throw Errno.lastException("aio_cancel", target);
        }
        return rc;
    }

    /** Whether {@link #free()} or {@link #leak(String)} was called. */
    public boolean isFreed() {
        return freed;
    }

    /**
     * Frees the native memory. Idempotent.
     *
     * @throws IllegalStateException if a request is in flight (the kernel may still write into it)
     */
    public void free() {
        if (freed) {
            return;
        }
        if (inFlight) {
            throw new IllegalStateException("aiocb " + Long.toHexString(address) + " is still owned by the kernel");
        }
        freed = true;
        release();
    }

    /**
     * Gives up on a request whose completion will never be reaped: the memory is deliberately leaked
     * (never freed, never reused) so the kernel can't write into freed memory, and a warning is logged.
     */
    public void leak(String why) {
        if (!freed) {
            freed = true;
            memory.leaked = true;
            logger.warn("Leaking aiocb {} ({} bytes) still owned by the kernel: {}",
                    Long.toHexString(address), abi.aiocb().size(), why);
        }
    }

    /** The native memory, freed exactly once: by the last release, or by the Cleaner if never released. */
    private static final class Memory implements Runnable {
        private final long address;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile boolean leaked;

        Memory(long address) {
            this.address = address;
        }

        @Override
        public void run() {
            if (!leaked && done.compareAndSet(false, true)) {
                NativeMemory.free(address);
            }
        }
    }

    private void checkWritable() {
        checkNotFreed();
        if (inFlight) {
            throw new IllegalStateException("aiocb is in flight: it can't be changed until aio_return");
        }
    }

    private void checkNotFreed() {
        if (freed) {
            throw new IllegalStateException("aiocb was freed");
        }
    }
}

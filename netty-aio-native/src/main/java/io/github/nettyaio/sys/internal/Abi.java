/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import java.util.List;
import java.util.Objects;

/**
 * The binary interface of one platform as netty-aio uses it: structure layouts ({@code aiocb},
 * {@code sigevent}, {@code kevent}, {@code iovec}, {@code timespec}), numeric constants and the few
 * capabilities that differ between OS releases.
 *
 * <p>This is data, one instance per platform ({@link #all()}); code reads offsets and constants from the
 * instance of the running platform ({@link Platform#abi()}) instead of testing which OS it runs on. The
 * ABI tests compare every instance with the ABI tables ({@code src/test/resources/abi/} and {@code abi-macos/}),
 * including the platforms that cannot be run where the tests run.
 */
public final class Abi {
    /** The operating-system family an {@link Abi} belongs to. */
    public enum Family {
        /** Linux with glibc: POSIX AIO implemented in user space by glibc's thread pool. */
        LINUX_GLIBC,
        /** FreeBSD: kernel POSIX AIO with kqueue notification ({@code SIGEV_KEVENT}). */
        FREEBSD,
        /** macOS: kernel POSIX AIO (XNU), on regular files only, without kqueue notification. */
        DARWIN
    }

    private final String id;
    private final Family family;
    private final int osMajor;
    private final StructLayout aiocb;
    private final StructLayout sigevent;
    private final StructLayout kevent;
    private final StructLayout iovec;
    private final StructLayout timespec;
    private final StructLayout stat;
    private final AbiConstants constants;

    Abi(String id, Family family, int osMajor, StructLayout aiocb, StructLayout sigevent, StructLayout kevent,
        StructLayout iovec, StructLayout timespec, StructLayout stat, AbiConstants constants) {
        this.id = Objects.requireNonNull(id, "id");
        this.family = Objects.requireNonNull(family, "family");
        this.osMajor = osMajor;
        this.aiocb = Objects.requireNonNull(aiocb, "aiocb");
        this.sigevent = Objects.requireNonNull(sigevent, "sigevent");
        this.kevent = kevent;
        this.iovec = Objects.requireNonNull(iovec, "iovec");
        this.timespec = Objects.requireNonNull(timespec, "timespec");
        this.stat = stat;
        this.constants = Objects.requireNonNull(constants, "constants");
    }

    /**
     * Returns every platform ABI netty-aio claims: FreeBSD 13, 14 and 15 on amd64 and arm64, Linux glibc on
     * x86_64 and aarch64, and macOS on arm64 and x86_64.
     */
    public static List<Abi> all() {
        return Holder.ALL;
    }

    /**
     * Returns the ABI whose {@link #id()} is {@code id}.
     *
     * @throws IllegalArgumentException if netty-aio has no ABI of that name
     */
    public static Abi byId(String id) {
        for (Abi abi : Holder.ALL) {
            if (abi.id.equals(id)) {
                return abi;
            }
        }
        throw new IllegalArgumentException("no ABI named " + id);
    }

    /** The platform id, as in the first column of the ABI tables ({@code abi/*.tsv}) (e.g. {@code freebsd14-amd64}). */
    public String id() {
        return id;
    }

    /** The OS family. */
    public Family family() {
        return family;
    }

    /** The OS major version this ABI describes (FreeBSD: 13, 14, 15; Linux and macOS: 0, meaning any). */
    public int osMajor() {
        return osMajor;
    }

    /** {@code struct aiocb}. */
    public StructLayout aiocb() {
        return aiocb;
    }

    /** {@code struct sigevent}. */
    public StructLayout sigevent() {
        return sigevent;
    }

    /**
     * {@code struct kevent}.
     *
     * @throws UnsupportedOperationException on a platform without kqueue
     */
    public StructLayout kevent() {
        if (kevent == null) {
            throw new UnsupportedOperationException(id + " has no kqueue");
        }
        return kevent;
    }

    /** Whether this platform has kqueue. */
    public boolean hasKqueue() {
        return kevent != null;
    }

    /** {@code struct iovec}. */
    public StructLayout iovec() {
        return iovec;
    }

    /** {@code struct timespec}. */
    public StructLayout timespec() {
        return timespec;
    }

    /**
     * {@code struct stat} (only {@code st_size}, for {@code fstat}). Not in the ABI tables: glibc's is
     * checked at run time on Linux (a real {@code fstat}); FreeBSD's is read from its headers, never run.
     *
     * @throws UnsupportedOperationException where netty-aio binds no {@code fstat} ({@link #hasFstat()})
     */
    public StructLayout stat() {
        if (stat == null) {
            throw new UnsupportedOperationException(id + ": netty-aio binds no fstat here");
        }
        return stat;
    }

    /** Whether file sizes come from {@code fstat} ({@link #stat()}); else from {@code lseek(SEEK_END)}. */
    public boolean hasFstat() {
        return stat != null;
    }

    /**
     * Whether the kernel implements POSIX AIO (FreeBSD, macOS), rather than a C library in threads (glibc):
     * {@code AioEngine.AUTO} prefers it to blocking I/O only then.
     */
    public boolean hasKernelAio() {
        return family != Family.LINUX_GLIBC;
    }

    /** The platform's numeric constants. */
    public AbiConstants constants() {
        return constants;
    }

    /** Whether the kernel implements {@code aio_readv}/{@code aio_writev} (FreeBSD 13.0 and later). */
    public boolean hasVectoredAio() {
        return family == Family.FREEBSD && osMajor >= 13;
    }

    /** Whether AIO completions can be delivered to a kqueue ({@code SIGEV_KEVENT}). */
    public boolean hasKqueueAio() {
        return AbiConstants.defined(constants.SIGEV_KEVENT) && AbiConstants.defined(constants.EVFILT_AIO);
    }

    @Override
    public String toString() {
        return "Abi(" + id + ")";
    }

    private static final class Holder {
        static final List<Abi> ALL = List.of(
                FreeBsdAbi.create(13, "amd64"), FreeBsdAbi.create(13, "arm64"),
                FreeBsdAbi.create(14, "amd64"), FreeBsdAbi.create(14, "arm64"),
                FreeBsdAbi.create(15, "amd64"), FreeBsdAbi.create(15, "arm64"),
                GlibcAbi.create("x86_64"), GlibcAbi.create("aarch64"),
                DarwinAbi.create("arm64"), DarwinAbi.create("x86_64"));
    }
}

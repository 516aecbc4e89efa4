/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys;

import io.github.nettyaio.sys.internal.Abi;
import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.LinuxLib;
import io.github.nettyaio.sys.internal.NativeMemory;
import io.github.nettyaio.sys.internal.Platform;
import io.github.nettyaio.sys.internal.Fstat;

import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Opens files with {@code open(2)} for AIO, and a few synchronous helpers on their descriptors.
 */
public final class PosixFiles {
    private static final Charset PATH_CHARSET = pathCharset();

    private PosixFiles() {
    }

    /**
     * Opens {@code path} with {@code open(2)}, always with {@code O_CLOEXEC}, mode {@code 0666} minus the
     * umask for created files.
     *
     * <p>Options, as for {@link java.nio.file.Files#newByteChannel}: {@code READ} (the default when neither
     * {@code WRITE} nor {@code APPEND} is given), {@code WRITE}, {@code APPEND} (implies {@code WRITE}),
     * {@code CREATE}, {@code CREATE_NEW}, {@code TRUNCATE_EXISTING} (these three only take effect with
     * {@code WRITE}/{@code APPEND}), {@code DSYNC}, {@code SYNC} and {@link AioOpenOption#DIRECT}.
     *
     * @return the descriptor, which the caller must close
     * @throws java.nio.file.NoSuchFileException        the file does not exist ({@code ENOENT})
     * @throws java.nio.file.FileAlreadyExistsException {@code CREATE_NEW} and it exists ({@code EEXIST})
     * @throws java.nio.file.AccessDeniedException      {@code EACCES} or {@code EPERM}
     * @throws java.nio.file.FileSystemException        {@code EISDIR} (a directory opened for writing) or
     *                                                  {@code ENOTDIR}
     * @throws IOException                              any other errno, named in the message
     * @throws IllegalArgumentException                 contradictory options ({@code APPEND} with
     *                                                  {@code READ} or {@code TRUNCATE_EXISTING})
     * @throws UnsupportedOperationException            an option netty-aio does not support, or a platform
     *                                                  without an ABI table
     * @throws ProviderMismatchException                a path not of the default file system
     */
    public static PosixFileDescriptor open(Path path, OpenOption... options) throws IOException {
        return open(path, false, options);
    }

    /**
     * As {@link #open}, for a file to be read and written at positions (what {@code AioFile} does), and never
     * blocking on what can't be: the file is opened with {@code O_NONBLOCK}, so that a FIFO (whose
     * {@code open(2)} would otherwise wait until its other end is opened, for ever if nobody does) is opened at
     * once, then refused; {@code O_NONBLOCK} is cleared again before the descriptor is returned (io_uring would
     * honour it: on a file system without non-blocking reads, such as tmpfs, every read would fail with
     * {@code EAGAIN}). A path swapped for a FIFO between a caller's check and this call can't block the caller.
     * Where the non-blocking open fails with {@code EAGAIN} (Linux: another process holds a conflicting file
     * lease), the file is opened again without {@code O_NONBLOCK}, which waits for the lease to be broken as
     * {@link #open} does. {@code O_NONBLOCK} also changes how some devices open (a removable disk without its
     * medium opens, then fails its I/O; a tape or serial line does not wait); disks where the driver refuses to
     * drop the flag again (FreeBSD: {@code ENOTTY}) keep it, which their I/O ignores.
     *
     * @throws IOException as {@link #open}; also for a file that has no positions ({@code lseek} fails with
     *                     {@code ESPIPE}: a FIFO, socket or terminal), and for a FIFO opened for writing while no
     *                     one reads it ({@code ENXIO})
     * @throws IllegalArgumentException  as {@link #open}
     * @throws UnsupportedOperationException as {@link #open}
     * @throws ProviderMismatchException as {@link #open}
     */
    public static PosixFileDescriptor openPositional(Path path, OpenOption... options) throws IOException {
        return open(path, true, options);
    }

    /**
     * The bytes of {@code path} (of the default file system) as {@code open(2)} gets them from {@link #open}: its
     * text encoded with {@code sun.jnu.encoding}, except where a name's bytes are not valid there (a Linux name is
     * bytes, and {@code Files.list} returns such names): the text then has U+FFFD, and the bytes are those the
     * path's {@code file:} URI escapes, of the absolute path. Any thread; may {@code stat} such a path.
     */
    public static byte[] pathBytes(Path path) {
        String text = path.toString();
        if (text.indexOf('\uFFFD') < 0) {
            return text.getBytes(PATH_CHARSET);
        }
        Path absolute = path.toAbsolutePath();
        String raw = absolute.toUri().getRawPath();
        if (raw.endsWith("/") && !absolute.toString().endsWith("/")) {
            raw = raw.substring(0, raw.length() - 1); // a directory's URI ends in '/'
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            if (ch == '%' && i + 2 < raw.length()) {
                out.write(Character.digit(raw.charAt(i + 1), 16) << 4 | Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                out.write(ch); // ASCII: the URI escapes every other byte
            }
        }
        return out.toByteArray();
    }

    private static PosixFileDescriptor open(Path path, boolean positional, OpenOption... options)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new ProviderMismatchException("not a path of the default file system: " + path);
        }
        AbiConstants c = Platform.abi().constants();
        int flags = flags(Platform.abi(), options);
        String target = path.toString();
        byte[] encoded = pathBytes(path);
        if (indexOfNul(encoded) >= 0) {
            throw new IllegalArgumentException("path contains a NUL character: " + target);
        }
        byte[] cPath = Arrays.copyOf(encoded, encoded.length + 1);
        int openFlags = positional ? flags | c.O_NONBLOCK : flags;
        for (;;) {
            int fd = LibC.open(cPath, openFlags, 0666);
            if (fd < 0 && openFlags != flags && LibC.errno() == c.EAGAIN) {
                // Linux: a conflicting file lease (Samba oplocks, NFS delegations) fails a non-blocking open at
                // once instead of waiting for the lease break (a FIFO never gives EAGAIN): wait as open(2) does.
                openFlags = flags;
                continue;
            }
            if (fd >= 0) {
                PosixFileDescriptor d = new PosixFileDescriptor(fd, target, flags);
                return positional ? requirePositions(d, c.O_NONBLOCK) : d;
            }
            int errno = LibC.errno();
            if (errno != Errno.EINTR) {
                throw Errno.newException("open", target, errno);
            }
        }
    }

    /**
     * Returns {@code fd} with {@code O_NONBLOCK} ({@code nonBlock}) cleared, or closes it and throws if it has no
     * positions (or the flag can't be read or cleared).
     */
    private static PosixFileDescriptor requirePositions(PosixFileDescriptor fd, int nonBlock) throws IOException {
        try {
            checkPositionsAndClear(fd, nonBlock);
            return fd;
        } catch (IOException | RuntimeException e) {
            try {
                fd.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static void checkPositionsAndClear(PosixFileDescriptor fd, int nonBlock) throws IOException {
        int d = fd.intValue();
        if (LibC.lseek(d, 0, LibC.SEEK_CUR) < 0) {
            int errno = LibC.errno();
            if (errno == Errno.ESPIPE) {
                throw new IOException(fd.target() + ": not a file with positions (a FIFO, socket or terminal): "
                        + "it can't be read or written at an offset");
            }
            throw Errno.newException("lseek", fd.target(), errno);
        }
        int fl = LibC.fcntl(d, LibC.F_GETFL, 0);
        if (fl < 0) {
            throw Errno.lastException("fcntl(F_GETFL)", fd.target());
        }
        if ((fl & nonBlock) != 0 && LibC.fcntl(d, LibC.F_SETFL, fl & ~nonBlock) < 0) {
            int errno = LibC.errno();
            // FreeBSD hands F_SETFL to the driver (FIONBIO), which a disk's refuses: the flag then stays, and
            // means nothing to disk I/O there (AIO and pread ignore it).
            if (errno != Errno.ENOTTY) {
                throw Errno.newException("fcntl(F_SETFL)", fd.target(), errno);
            }
        }
    }

    /**
     * Translates options into {@code open(2)} flags for {@code abi} (without opening anything).
     *
     * @throws IllegalArgumentException      contradictory options
     * @throws UnsupportedOperationException an unsupported option
     */
    public static int flags(Abi abi, OpenOption... options) {
        AbiConstants c = abi.constants();
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean create = false;
        boolean createNew = false;
        boolean truncate = false;
        int extra = c.O_CLOEXEC;
        for (OpenOption o : options) {
            Objects.requireNonNull(o, "option");
            if (o == StandardOpenOption.READ) {
                read = true;
            } else if (o == StandardOpenOption.WRITE) {
                write = true;
            } else if (o == StandardOpenOption.APPEND) {
                append = true;
            } else if (o == StandardOpenOption.CREATE) {
                create = true;
            } else if (o == StandardOpenOption.CREATE_NEW) {
                createNew = true;
            } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                truncate = true;
            } else if (o == StandardOpenOption.DSYNC) {
                extra |= c.O_DSYNC;
            } else if (o == StandardOpenOption.SYNC) {
                extra |= c.O_SYNC;
            } else if (o == AioOpenOption.DIRECT) {
                if (!AbiConstants.defined(c.O_DIRECT)) {
                    throw new UnsupportedOperationException("AioOpenOption.DIRECT: " + Platform.describe()
                            + " has no O_DIRECT");
                }
                extra |= c.O_DIRECT;
            } else {
                throw new UnsupportedOperationException("open option not supported by netty-aio: " + o);
            }
        }
        if (append && read) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        boolean writing = write || append;
        int flags = extra;
        if (writing) {
            flags |= read ? c.O_RDWR : c.O_WRONLY;
            if (append) {
                flags |= c.O_APPEND;
            }
            if (createNew) {
                flags |= c.O_CREAT | c.O_EXCL;
            } else if (create) {
                flags |= c.O_CREAT;
            }
            if (truncate) {
                flags |= c.O_TRUNC;
            }
        } else {
            flags |= c.O_RDONLY;
        }
        return flags;
    }

    /**
     * Returns the size of the open file: {@code st_size} from {@code fstat(2)}; where libc has no
     * {@code fstat} symbol (glibc before 2.33), {@code lseek(fd, 0, SEEK_END)}, which also moves the file
     * position (netty-aio itself only does positional I/O).
     *
     * @throws IOException the errno (e.g. {@code EBADF} for a closed descriptor)
     */
    public static long size(FileDescriptor fd) throws IOException {
        Abi abi = Platform.abi();
        if (FSTAT && abi.hasFstat()) {
            long buf = NativeMemory.allocateZeroed(abi.stat().size());
            try {
                if (Fstat.fstat(fd.intValue(), buf) != 0) {
                    throw Errno.lastException("fstat", PosixFileDescriptor.target(fd));
                }
                return NativeMemory.getField(buf, abi.stat().field("st_size"));
            } finally {
                NativeMemory.free(buf);
            }
        }
        long size = LibC.lseek(fd.intValue(), 0, LibC.SEEK_END);
        if (size < 0) {
            throw Errno.lastException("lseek", PosixFileDescriptor.target(fd));
        }
        return size;
    }

    /**
     * Returns the alignment {@code O_DIRECT} I/O on the open file needs of file offsets and lengths, as its file
     * system reports it ({@code statx(2)} with {@code STATX_DIOALIGN}: typically the device's logical block size),
     * or 0 when it can't be told: not Linux, a kernel before 6.1, a C library without {@code statx}, a file system
     * that doesn't report it, or one that doesn't support {@code O_DIRECT} on this file. Never throws.
     */
    public static int directIoAlignment(FileDescriptor fd) {
        if (Platform.os() != Platform.Os.LINUX || noStatx) {
            return 0;
        }
        long buf = NativeMemory.allocateZeroed(LinuxLib.Statx.SIZE);
        try {
            if (LinuxLib.Statx.statx(fd.intValue(), "", LinuxLib.Statx.AT_EMPTY_PATH, LinuxLib.Statx.STATX_DIOALIGN,
                    buf) != 0) {
                return 0;
            }
            if ((NativeMemory.getInt(buf + LinuxLib.Statx.STX_MASK) & LinuxLib.Statx.STATX_DIOALIGN) == 0
                    || NativeMemory.getInt(buf + LinuxLib.Statx.STX_DIO_MEM_ALIGN) == 0) {
                return 0;
            }
            return NativeMemory.getInt(buf + LinuxLib.Statx.STX_DIO_OFFSET_ALIGN);
        } catch (LinkageError e) {
            noStatx = true;     // a C library without statx: don't try (and fail to load the binding) again
            return 0;
        } finally {
            NativeMemory.free(buf);
        }
    }

    private static volatile boolean noStatx;

    private static final boolean FSTAT = fstatBinds();

    private static boolean fstatBinds() {
        try {
            Class.forName(Fstat.class.getName(), true, PosixFiles.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static int indexOfNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static Charset pathCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null ? Charset.forName(name) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys;

import io.github.nettyaio.sys.internal.AbiConstants;
import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.internal.LibC;
import io.github.nettyaio.sys.internal.Platform;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.github.nettyaio.testing.FdCount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PosixFiles#open} and the errno mapping, on real files. */
@EnabledOnOs(OS.LINUX)
class PosixFilesTest {
    @TempDir
    Path dir;
    private Map<Integer, String> fdsBefore;

    @BeforeEach
    void countFds() {
        fdsBefore = FdCount.snapshot();
    }

    @AfterEach
    void noFdLeaked() {
        assertEquals(List.of(), FdCount.openedSince(fdsBefore), "file descriptors leaked");
    }

    /**
     * {@code directIoAlignment} reports what the file's block device says its logical block size is (read from
     * sysfs here, independently of {@code statx}); skipped where the temp directory is not on a block device.
     */
    @Test
    void directIoAlignmentIsTheDevicesLogicalBlockSize() throws Exception {
        Path p = Files.write(dir.resolve("dio.bin"), new byte[8192]);
        long dev = (Long) Files.getAttribute(p, "unix:dev");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        Path sys = Path.of("/sys/dev/block/" + major + ":" + minor);
        Path lbs = Files.exists(sys.resolve("queue")) ? sys.resolve("queue/logical_block_size")
                : sys.resolve("../queue/logical_block_size");
        Assumptions.assumeTrue(Files.exists(lbs), () -> dir + " is not on a block device (" + sys + ")");
        int expected = Integer.parseInt(Files.readString(lbs).trim());
        try (PosixFileDescriptor fd = PosixFiles.open(p, READ)) {
            int got = PosixFiles.directIoAlignment(fd);
            String[] v = System.getProperty("os.version").split("[.-]");
            boolean reports = (Integer.parseInt(v[0]) > 6 || Integer.parseInt(v[0]) == 6 && Integer.parseInt(v[1]) >= 1)
                    && List.of("ext4", "xfs").contains(Files.getFileStore(p).type());
            // ext4 and xfs report it since Linux 6.1; elsewhere 0 (unknown) is a right answer too.
            Assumptions.assumeTrue(reports || got != 0, "no STATX_DIOALIGN from this kernel or file system");
            assertEquals(expected, got);
            PosixFileDescriptor closed = PosixFiles.open(p, READ);
            closed.close();
            assertEquals(0, PosixFiles.directIoAlignment(closed), "a closed descriptor: unknown, no exception");
        }
    }

    @Test
    void missingFileIsNoSuchFileException() {
        Path missing = dir.resolve("missing.bin");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PosixFiles.open(missing));
        assertEquals(missing.toString(), e.getFile());
        assertTrue(e.getMessage().contains("ENOENT (No such file or directory)"), e.getMessage());
        assertTrue(e.getMessage().contains("open"), e.getMessage());
    }

    @Test
    void createNewOnExistingIsFileAlreadyExists() throws IOException {
        Path f = Files.write(dir.resolve("exists.bin"), new byte[] {1});
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> PosixFiles.open(f, CREATE_NEW, WRITE));
        assertTrue(e.getMessage().contains("EEXIST"), e.getMessage());
    }

    @Test
    void directoryOpenedForWriteIsEisdir() {
        FileSystemException e = assertThrows(FileSystemException.class, () -> PosixFiles.open(dir, WRITE));
        assertTrue(e.getMessage().contains("EISDIR (Is a directory)"), e.getMessage());
        assertEquals(dir.toString(), e.getFile());
    }

    @Test
    void permissionDeniedIsAccessDenied() throws IOException {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "root bypasses permission bits: EACCES can't be produced this way");
        Path f = Files.write(dir.resolve("ro.bin"), new byte[] {1});
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        assertThrows(AccessDeniedException.class, () -> PosixFiles.open(f, WRITE));
    }

    @Test
    void optionsBecomeTheRightFlags() throws IOException {
        AbiConstants constants = Platform.abi().constants();
        Path f = dir.resolve("flags.bin");
        try (PosixFileDescriptor fd = PosixFiles.open(f, CREATE_NEW, WRITE, StandardOpenOption.DSYNC)) {
            assertTrue(fd.isOpen());
            assertEquals(constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DSYNC
                    | constants.O_CLOEXEC, fd.flags());
            assertEquals(f.toString(), fd.path());
            assertTrue(Files.exists(f, LinkOption.NOFOLLOW_LINKS));
        }
        try (PosixFileDescriptor fd = PosixFiles.open(f)) {
            assertEquals(constants.O_RDONLY | constants.O_CLOEXEC, fd.flags());
        }
        try (PosixFileDescriptor fd = PosixFiles.open(f, READ, WRITE, TRUNCATE_EXISTING, AioOpenOption.DIRECT)) {
            assertEquals(constants.O_RDWR | constants.O_TRUNC | constants.O_DIRECT | constants.O_CLOEXEC, fd.flags());
            assertTrue(fd.isDirect());
        }
        try (PosixFileDescriptor fd = PosixFiles.open(f, APPEND, StandardOpenOption.SYNC)) {
            assertEquals(constants.O_WRONLY | constants.O_APPEND | constants.O_SYNC | constants.O_CLOEXEC, fd.flags());
        }
        // CREATE is ignored when only reading, as java.nio.file.Files does.
        assertThrows(NoSuchFileException.class, () -> PosixFiles.open(dir.resolve("nope"), CREATE));
    }

    @Test
    void contradictoryAndUnsupportedOptionsAreRejected() {
        Path f = dir.resolve("x.bin");
        assertThrows(IllegalArgumentException.class, () -> PosixFiles.open(f, READ, APPEND));
        assertThrows(IllegalArgumentException.class, () -> PosixFiles.open(f, APPEND, TRUNCATE_EXISTING));
        assertThrows(UnsupportedOperationException.class,
                () -> PosixFiles.open(f, CREATE, WRITE, StandardOpenOption.DELETE_ON_CLOSE));
        assertThrows(UnsupportedOperationException.class, () -> PosixFiles.open(f, LinkOption.NOFOLLOW_LINKS));
        assertThrows(NullPointerException.class, () -> PosixFiles.open(f, (StandardOpenOption) null));
        assertThrows(IllegalArgumentException.class, () -> PosixFiles.open(dir.resolve("a\0b")));
        assertFalse(Files.exists(f));
    }

    @Test
    void closeWorksWithoutNettyNativeAndIsIdempotent() throws IOException {
        Path f = Files.write(dir.resolve("c.bin"), new byte[] {1, 2, 3});
        PosixFileDescriptor fd = PosixFiles.open(f);
        assertEquals(3, PosixFiles.size(fd));
        fd.close();
        assertFalse(fd.isOpen());
        fd.close();
        IOException e = assertThrows(IOException.class, () -> PosixFiles.size(fd));
        assertTrue(e.getMessage().startsWith("fstat(" + f + "): EBADF"), e.getMessage());
    }

    /** glibc's st_size offset (not in the ABI tables) is checked by a real fstat of files of known sizes. */
    @Test
    void fstatSizeMatchesTheFileSystem() throws IOException {
        for (int size : new int[] {0, 1, 4095, 1 << 20, (1 << 20) + 17}) {
            Path f = Files.write(dir.resolve("size" + size), new byte[size]);
            try (PosixFileDescriptor fd = PosixFiles.open(f)) {
                assertEquals(Files.size(f), PosixFiles.size(fd));
            }
        }
    }

    @Test
    void opensANameThatIsNotValidTextByItsBytes() throws IOException {
        // A Linux name is bytes: 0xFF 0xFE is no UTF-8, so the Path's text shows U+FFFD, yet the Path (from a
        // file: URI, which escapes bytes) names the file; the open must use the bytes, not the text.
        Path sub = Path.of(java.net.URI.create(dir.toUri() + "%FE%FF-dir/")).toAbsolutePath();
        Files.createDirectory(sub);
        Path f = Files.write(sub.resolve(Path.of(java.net.URI.create("file:///%FF%FE.bin")).getFileName()),
                new byte[1234]);
        assertTrue(f.toString().indexOf('\uFFFD') >= 0, f.toString());
        assertFalse(Files.exists(Path.of(f.toString())), "the text names another file");
        try (PosixFileDescriptor fd = PosixFiles.open(f)) {
            assertEquals(1234, PosixFiles.size(fd));
        }
        try (PosixFileDescriptor fd = PosixFiles.openPositional(sub, READ)) {
            assertTrue(fd.intValue() >= 0, "a directory so named opens too");
        }
    }

    interface GlibcNames extends Library {
        String strerrorname_np(int errnum);
    }

    /** On glibc, every errno name netty-aio uses is the one glibc itself gives that value. */
    @Test
    void errnoNamesAgreeWithGlibc() {
        Assumptions.assumeTrue(Platform.isGlibc());
        GlibcNames glibc = Native.load("c", GlibcNames.class);
        int checked = 0;
        for (Map.Entry<Integer, String> e : Errno.classicNames().entrySet()) {
            assertEquals(e.getValue(), glibc.strerrorname_np(e.getKey()));
            checked++;
        }
        AbiConstants constants = Platform.abi().constants();
        for (int errno : new int[] {constants.EAGAIN, constants.EINPROGRESS, constants.EOPNOTSUPP, constants.ENOSYS,
                constants.EOVERFLOW, constants.ECANCELED}) {
            assertEquals(glibc.strerrorname_np(errno), Errno.name(errno));
            checked++;
        }
        assertTrue(checked > 20);
    }

    interface Mkfifo extends Library {
        int mkfifo(String path, int mode);
    }

    private Path fifo(String name) {
        Path p = dir.resolve(name);
        assertEquals(0, Native.load("c", Mkfifo.class).mkfifo(p.toString(), 0600), "mkfifo " + p);
        return p;
    }

    /**
     * A FIFO nobody writes to is refused at once for reading (plain {@code open(2)} would wait for a writer for
     * ever), and for writing while nobody reads it ({@code ENXIO}); no descriptor is left open.
     */
    @Test
    void positionalOpenRefusesAFifoAtOnce() {
        Path fifo = fifo("fifo");
        IOException read = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> PosixFiles.openPositional(fifo, READ)));
        assertTrue(read.getMessage().contains("FIFO"), read.getMessage());
        assertTrue(read.getMessage().contains(fifo.toString()), read.getMessage());
        IOException write = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> PosixFiles.openPositional(fifo, WRITE)));
        assertTrue(write.getMessage().contains("ENXIO"), write.getMessage());
    }

    /**
     * A FIFO is refused even while its other end is open (so that opening succeeded): it has no positions. The
     * reading end here is opened with {@code O_NONBLOCK} by plain {@link PosixFiles#open}'s flags plus that bit.
     */
    @Test
    void positionalOpenRefusesAFifoWithAReader() throws IOException {
        Path fifo = fifo("fifo-read");
        AbiConstants constants = Platform.abi().constants();
        byte[] cPath = (fifo + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int reader = LibC.open(cPath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_CLOEXEC, 0);
        assertTrue(reader >= 0, "open the reading end");
        try {
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(IOException.class, () -> PosixFiles.openPositional(fifo, WRITE)));
            assertTrue(e.getMessage().contains("not a file with positions"), e.getMessage());
        } finally {
            LibC.close(reader);
        }
    }

    /** On a regular file the descriptor comes back without {@code O_NONBLOCK}, with the flags the options say. */
    @Test
    void positionalOpenOfAFileClearsNonBlock() throws IOException {
        AbiConstants constants = Platform.abi().constants();
        Path f = Files.write(dir.resolve("plain.bin"), new byte[] {1, 2, 3});
        try (PosixFileDescriptor fd = PosixFiles.openPositional(f, READ)) {
            int fl = LibC.fcntl(fd.intValue(), LibC.F_GETFL, 0);
            assertTrue(fl >= 0, "F_GETFL");
            assertEquals(0, fl & constants.O_NONBLOCK, "O_NONBLOCK left set");
            assertEquals(constants.O_RDONLY | constants.O_CLOEXEC, fd.flags());
            assertEquals(3, PosixFiles.size(fd));
        }
    }

    /**
     * A conflicting file lease fails a non-blocking open at once with {@code EAGAIN}: {@code openPositional} then
     * opens again, waiting for the lease break as {@code open(2)} does. The lease is held by a child process, which
     * the break's {@code SIGIO} ends (its default action), so the wait is short. Skipped without python3.
     */
    @Test
    void positionalOpenWaitsForALeaseBreak() throws Exception {
        Path f = Files.write(dir.resolve("leased.bin"), new byte[] {7});
        String script = "import fcntl, os, sys, time\n"
                + "fd = os.open(sys.argv[1], os.O_RDWR)\n"
                + "fcntl.fcntl(fd, 1024, fcntl.F_WRLCK)\n"          // F_SETLEASE, a write lease
                + "print('ready', flush=True)\n"
                + "time.sleep(120)\n";
        Process holder;
        try {
            holder = new ProcessBuilder("python3", "-c", script, f.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("no python3 to hold a lease: " + e);
            return;
        }
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            Assumptions.assumeTrue("ready".equals(line), "the child could not take a lease: " + line);
            PosixFileDescriptor fd = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> PosixFiles.openPositional(f, READ));
            try {
                assertEquals(1, PosixFiles.size(fd));
            } finally {
                fd.close();
            }
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
            holder.getInputStream().close();
            holder.getOutputStream().close();
            holder.getErrorStream().close();
        }
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The directory a server serves, and the file-system side of resolving request paths in it: symbolic links
 * are followed only while they stay inside the root ({@link AccessDeniedException} otherwise, answered
 * {@code 403}); names its {@link Visibility} hides are neither listed nor found ({@link NoSuchFileException},
 * answered {@code 404}), also when a link leads to them.
 *
 * <p>Every method but {@link #root()} touches the disk: call them on a blocking thread ({@link DiskExecutor}),
 * never on an event loop.
 */
final class ServedDirectory {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ServedDirectory.class);
    /** Where Linux shows the files a process has open ({@code /proc/self/fd/N} stats the open file itself). */
    private static final Path PROC_FD = Paths.get("/proc/self/fd");
    private static final AtomicBoolean DIRECTORY_SYNC_REFUSAL_LOGGED = new AtomicBoolean();

    private final Path root;
    private final Visibility visibility;
    private final LongAdder directorySyncs = new LongAdder();

    /**
     * Serves {@code dir} hiding dot-files (resolved to its real path now: call off the event loop).
     *
     * @throws IOException {@code dir} does not exist or is not a directory
     */
    public ServedDirectory(Path dir) throws IOException {
        this(dir, new Visibility(false));
    }

    /**
     * Serves {@code dir} with {@code visibility} (resolved to its real path now: call off the event loop).
     *
     * @throws IOException {@code dir} does not exist or is not a directory
     */
    public ServedDirectory(Path dir, Visibility visibility) throws IOException {
        Path real = dir.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        this.root = real;
        this.visibility = Objects.requireNonNull(visibility, "visibility");
    }

    /** The served directory's real path. */
    public Path root() {
        return root;
    }

    /** Which names are served. */
    public Visibility visibility() {
        return visibility;
    }

    /**
     * The existing file or directory {@code path} names, as a real path inside the root.
     *
     * @throws NoSuchFileException   it doesn't exist, or it (or the file a link leads to) is hidden
     * @throws AccessDeniedException it is (or goes through) a link leading out of the root
     */
    public Path resolveExisting(RequestPath path) throws IOException {
        Path real = path.resolveIn(root).toRealPath();
        checkInside(real, path);
        checkVisible(real, path);
        return real;
    }

    /**
     * Checks that the descriptor {@code fd} (of a file opened by path after {@link #resolveExisting}) is still the
     * regular file that was checked, whose attributes were {@code checked}: a file swapped meanwhile (for a link
     * out of the root, another file, a device) is refused. Compares the file keys (device and inode), read from
     * the descriptor through {@code /proc/self/fd}; where there is no {@code /proc} (not Linux) it checks nothing.
     *
     * @throws AccessDeniedException the descriptor names another file, or not a regular file
     * @throws IOException           the descriptor can't be examined
     */
    public void verifyOpened(int fd, BasicFileAttributes checked, RequestPath path) throws IOException {
        Object key = checked.fileKey();
        if (key == null || !Files.isDirectory(PROC_FD)) {
            return;
        }
        BasicFileAttributes opened = Files.readAttributes(PROC_FD.resolve(Integer.toString(fd)),
                BasicFileAttributes.class);
        if (!opened.isRegularFile() || !key.equals(opened.fileKey())) {
            throw new AccessDeniedException(path.toString(), null, "the file changed while it was being opened");
        }
    }

    /**
     * Where an upload to {@code path} goes: a real path inside the root whose parent directory exists; the
     * target itself may not exist yet, and when it does it must be a regular file.
     *
     * @throws NoSuchFileException   the parent directory doesn't exist
     * @throws AccessDeniedException the target or its parent leads out of the root, or the path is the root
     *                               itself, a directory, or not a regular file
     */
    public Path resolveForWrite(RequestPath path) throws IOException {
        if (path.segments().isEmpty() || path.isDirectoryForm()) {
            throw new AccessDeniedException(path.toString(), null, "can't upload to a directory");
        }
        Path lexical = path.resolveIn(root);
        Path parent = lexical.getParent().toRealPath();
        checkInside(parent, path);
        if (!Files.isDirectory(parent)) {
            throw new NoSuchFileException(path.toString(), null, "parent is not a directory");
        }
        Path target = parent.resolve(lexical.getFileName());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path real = target.toRealPath();
            checkInside(real, path);
            checkVisible(real, path);
            if (!Files.isRegularFile(real)) {
                throw new AccessDeniedException(path.toString(), null, "not a regular file");
            }
            return real;
        }
        return target;
    }

    private void checkInside(Path real, RequestPath path) throws AccessDeniedException {
        if (!real.startsWith(root)) {
            throw new AccessDeniedException(path.toString(), null, "leads out of the served directory");
        }
    }

    /** The real path {@code real} (inside the root) must have no hidden segment below the root. */
    private void checkVisible(Path real, RequestPath path) throws NoSuchFileException {
        if (!isVisible(real)) {
            throw new NoSuchFileException(path.toString());
        }
    }

    /** Whether the real path {@code real} (inside the root) has no hidden segment below the root. */
    private boolean isVisible(Path real) {
        for (Path segment : root.relativize(real)) {
            String name = segment.toString();
            if (!name.isEmpty() && !visibility.isServed(name)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Renames the finished upload {@code temp} over {@code target} (atomically) and syncs their directory, so
     * that the new name survives a crash once this returns. A file system refusing to sync a directory is
     * logged once (at debug level) and otherwise ignored.
     *
     * @throws IOException the rename failed
     */
    public void moveIntoPlace(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path parent = target.toAbsolutePath().getParent();
        try (FileChannel dir = FileChannel.open(parent, StandardOpenOption.READ)) {
            dir.force(true);
            directorySyncs.increment();
        } catch (IOException | UnsupportedOperationException e) {
            if (DIRECTORY_SYNC_REFUSAL_LOGGED.compareAndSet(false, true)) {
                logger.debug("can't sync directory {} after a rename (not durable until the file system syncs): {}",
                        parent, e.toString());
            }
        }
    }

    /** How many directory syncs {@link #moveIntoPlace} has completed (for tests and monitoring). */
    public long directorySyncs() {
        return directorySyncs.sum();
    }

    /**
     * The entries of directory {@code dir}, sorted by name; hidden names, entries that vanish meanwhile,
     * dangling links and links leading out of the root or to hidden names are left out.
     */
    public List<DirectoryListing.Entry> list(Path dir) throws IOException {
        List<DirectoryListing.Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!visibility.isServed(p.getFileName().toString())) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    if (Files.isSymbolicLink(p)) {
                        Path real = p.toRealPath();
                        if (!real.startsWith(root) || !isVisible(real)) {
                            continue; // leads out of the root or to a hidden name: not served, so not listed
                        }
                    }
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue; // gone, or a dangling link
                }
                out.add(new DirectoryListing.Entry(p.getFileName().toString(), FileNames.bytes(p), a.isDirectory(),
                        a.isDirectory() ? -1 : a.size()));
            }
        }
        out.sort((x, y) -> x.name().compareTo(y.name()));
        return out;
    }
}

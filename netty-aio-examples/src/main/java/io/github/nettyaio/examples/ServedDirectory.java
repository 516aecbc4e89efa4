/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory a server serves, and the file-system side of resolving request paths in it: symbolic links
 * are followed only while they stay inside the root ({@link AccessDeniedException} otherwise, answered
 * {@code 403}).
 *
 * <p>Every method but {@link #root()} touches the disk: call them on a blocking thread ({@link DiskExecutor}),
 * never on an event loop.
 */
public final class ServedDirectory {
    private final Path root;

    /**
     * Serves {@code dir} (resolved to its real path now: call off the event loop).
     *
     * @throws IOException {@code dir} does not exist or is not a directory
     */
    public ServedDirectory(Path dir) throws IOException {
        Path real = dir.toRealPath();
        if (!Files.isDirectory(real)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        this.root = real;
    }

    /** The served directory's real path. */
    public Path root() {
        return root;
    }

    /**
     * The existing file or directory {@code path} names, as a real path inside the root.
     *
     * @throws NoSuchFileException   it doesn't exist
     * @throws AccessDeniedException it is (or goes through) a link leading out of the root
     */
    public Path resolveExisting(RequestPath path) throws IOException {
        Path real = path.resolveIn(root).toRealPath();
        checkInside(real, path);
        return real;
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

    /**
     * The entries of directory {@code dir}, sorted by name; entries that vanish meanwhile, dangling links and
     * links leading out of the root are left out.
     */
    public List<DirectoryListing.Entry> list(Path dir) throws IOException {
        List<DirectoryListing.Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                BasicFileAttributes a;
                try {
                    if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(root)) {
                        continue; // leads out of the root: not served, so not listed
                    }
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (IOException e) {
                    continue; // gone, or a dangling link
                }
                out.add(new DirectoryListing.Entry(p.getFileName().toString(), a.isDirectory(),
                        a.isDirectory() ? -1 : a.size()));
            }
        }
        out.sort((x, y) -> x.name().compareTo(y.name()));
        return out;
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.sys.PosixFileDescriptor;
import io.github.nettyaio.sys.PosixFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** ServedDirectory on a real directory: verifying an opened descriptor, syncing renames, hidden names. */
class ServedDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void refusesADescriptorThatIsNotTheFileThatWasChecked() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd");
        ServedDirectory served = new ServedDirectory(dir);
        Path checked = Files.writeString(dir.resolve("checked.txt"), "checked");
        Path swapped = Files.writeString(dir.resolve("swapped.txt"), "swapped");
        RequestPath path = RequestPath.parse("/checked.txt");
        BasicFileAttributes a = Files.readAttributes(served.resolveExisting(path), BasicFileAttributes.class);
        try (PosixFileDescriptor same = PosixFiles.open(checked, StandardOpenOption.READ);
             PosixFileDescriptor other = PosixFiles.open(swapped, StandardOpenOption.READ);
             PosixFileDescriptor directory = PosixFiles.open(dir, StandardOpenOption.READ)) {
            served.verifyOpened(same.intValue(), a, path);
            assertThrows(AccessDeniedException.class, () -> served.verifyOpened(other.intValue(), a, path),
                    "another file behind the checked name");
            assertThrows(AccessDeniedException.class, () -> served.verifyOpened(directory.intValue(), a, path),
                    "not a regular file");
        }
    }

    @Test
    void moveIntoPlaceRenamesAndSyncsTheDirectory() throws Exception {
        ServedDirectory served = new ServedDirectory(dir);
        Path temp = Files.writeString(dir.resolve(".t.txt.1.upload"), "new");
        Path target = Files.writeString(dir.resolve("t.txt"), "old");
        long before = served.directorySyncs();
        served.moveIntoPlace(temp, target);
        assertEquals("new", Files.readString(target));
        assertFalse(Files.exists(temp));
        assertEquals(before + 1, served.directorySyncs());
    }

    @Test
    void hiddenNamesAreNotFoundNorListedEvenThroughALink() throws Exception {
        ServedDirectory served = new ServedDirectory(dir, new Visibility(false));
        Files.writeString(dir.resolve(".secret"), "s");
        Files.writeString(dir.resolve(".a.txt.7.upload"), "u");
        Files.writeString(dir.resolve("plain"), "p");
        Files.createSymbolicLink(dir.resolve("to-secret"), dir.resolve(".secret"));
        assertThrows(NoSuchFileException.class, () -> served.resolveExisting(RequestPath.parse("/to-secret")));
        assertThrows(NoSuchFileException.class, () -> served.resolveForWrite(RequestPath.parse("/to-secret")));
        assertEquals(1, served.list(dir).stream().filter(e -> e.name().equals("plain")).count());
        assertTrue(served.list(dir).stream().noneMatch(e -> e.name().startsWith(".")));
        ServedDirectory showing = new ServedDirectory(dir, new Visibility(true));
        assertEquals(dir.resolve(".secret").toRealPath(), showing.resolveExisting(RequestPath.parse("/to-secret")));
        assertTrue(showing.list(dir).stream().anyMatch(e -> e.name().equals(".secret")));
        assertTrue(showing.list(dir).stream().noneMatch(e -> e.name().endsWith(".upload")));
    }
}

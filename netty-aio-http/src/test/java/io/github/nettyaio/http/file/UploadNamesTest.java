/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.sys.internal.Errno;
import io.github.nettyaio.sys.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Temporary upload names fit {@code NAME_MAX} for every legal target name, and stay hidden; disk errors. */
class UploadNamesTest {
    @TempDir
    Path dir;

    @Test
    void temporaryNamesFitNameMaxAndAreHidden() throws Exception {
        Visibility showing = new Visibility(true);
        for (int length = 1; length <= FileNames.NAME_MAX; length++) {
            Path target = dir.resolve("t".repeat(length));
            Path temp = UploadNames.createTemp(target);
            String name = temp.getFileName().toString();
            assertEquals(dir, temp.getParent());
            assertTrue(name.length() <= FileNames.NAME_MAX, name);
            assertTrue(Visibility.isUploadTemp(name), name);
            assertFalse(showing.isServed(name), name);
            assertEquals(length + UploadNames.OVERHEAD <= FileNames.NAME_MAX,
                    name.startsWith(Visibility.uploadPrefix(target.getFileName().toString())), name);
            Files.delete(temp);
        }
        // A target name that is not valid text: the short form.
        Path raw = dir.resolve(FileNames.path(dir, new byte[] {(byte) 0xFF, 'x'}));
        assertEquals(".", UploadNames.prefix(raw));
    }

    @Test
    void recognisesAFullFileSystemAndOverLongNames() {
        assertTrue(DiskErrors.isOutOfSpace(new ErrnoException("pwrite", "f", Errno.ENOSPC, "ENOSPC",
                "pwrite(f): ENOSPC (No space left on device)")));
        assertTrue(DiskErrors.isOutOfSpace(new FileSystemException("f", null, "Disk quota exceeded")));
        assertTrue(DiskErrors.isOutOfSpace(new IOException("wrapped", new IOException("No space left on device"))));
        assertFalse(DiskErrors.isOutOfSpace(new IOException("Input/output error")));
        assertTrue(DiskErrors.isNameTooLong(new FileSystemException("f", null, "File name too long")));
        assertFalse(DiskErrors.isNameTooLong(new FileSystemException("f", null, "No space left on device")));
    }
}

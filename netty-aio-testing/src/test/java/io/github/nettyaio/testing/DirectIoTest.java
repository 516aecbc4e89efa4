/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link DirectIo#assumeSupported} fails (not skips) when the probing open fails for another reason than the file
 * system refusing O_DIRECT, and leaves no probe file behind.
 */
class DirectIoTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileFailsInsteadOfSkipping() {
        Path missing = dir.resolve("missing.bin");
        try {
            DirectIo.assumeSupported(missing);
        } catch (IOException expected) {
            return;                            // ENOENT: thrown, so the calling test fails
        } catch (TestAbortedException skipped) {
            // Only where this OS has no O_DIRECT at all, before any open.
            assertEquals(-1, Posix.oDirect(), "skipped on " + skipped.getMessage());
            return;
        }
        throw new AssertionError("a probe of a missing file succeeded");
    }

    @Test
    void probingADirectoryLeavesItEmpty() throws Exception {
        try {
            DirectIo.assumeSupported(dir);
        } finally {
            try (var entries = Files.list(dir)) {
                assertEquals(0, entries.count(), "the probe file was left behind");
            }
        }
    }

    @Test
    void anUnreadableFileFailsInsteadOfSkipping() throws Exception {
        Path locked = Files.write(dir.resolve("locked.bin"), new byte[16]);
        locked.toFile().setReadable(false, false);
        org.junit.jupiter.api.Assumptions.assumeTrue(!Files.isReadable(locked), "root reads any file");
        assertThrows(IOException.class, () -> DirectIo.assumeSupported(locked));
    }
}

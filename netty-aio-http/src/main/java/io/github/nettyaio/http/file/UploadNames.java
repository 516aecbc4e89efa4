/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The temporary files uploads are written to, beside their target: {@code .name.<random>.upload} when that fits
 * in {@link FileNames#NAME_MAX} bytes (so a left-over file tells whose upload it was), else the short
 * {@code .<random>.upload} — any legal target name gets a legal temporary name. Both have the form
 * {@link Visibility#isUploadTemp} recognises: never listed nor served. Creating touches the disk: call off the
 * event loop.
 */
final class UploadNames {
    /** Bytes a temporary name adds to the target's: two dots, up to 20 random digits and the suffix. */
    static final int OVERHEAD = 2 + 20 + Visibility.UPLOAD_SUFFIX.length();
    private static final FileAttribute<?> MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    private UploadNames() {
    }

    /** The prefix of the temporary files of uploads to {@code target}: {@code .name.}, or {@code .} if too long. */
    public static String prefix(Path target) {
        String name = target.getFileName().toString();
        byte[] raw = FileNames.bytes(target);
        // The name-bearing form only where the text is the name (Files.createTempFile takes text).
        if (raw.length + OVERHEAD <= FileNames.NAME_MAX && Arrays.equals(raw, name.getBytes(fileNameCharset()))) {
            return Visibility.uploadPrefix(name);
        }
        return ".";
    }

    /** Creates a new, empty temporary file ({@code rw-r--r--}) for an upload to {@code target}, beside it. */
    public static Path createTemp(Path target) throws IOException {
        return Files.createTempFile(target.getParent(), prefix(target), Visibility.UPLOAD_SUFFIX, MODE);
    }

    /** The charset Java turns path text into bytes with ({@code sun.jnu.encoding}). */
    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}

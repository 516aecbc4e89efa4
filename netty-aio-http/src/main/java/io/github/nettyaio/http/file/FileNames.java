/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.github.nettyaio.sys.PosixFiles;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;

/**
 * File names as the bytes they are on Linux, and their {@code %}-escaped form in URIs.
 *
 * <p>A Linux file name is a sequence of bytes, not necessarily valid in any charset. Java's {@link Path} keeps
 * the bytes it got from the file system ({@code Files.list} of a name {@code 0xFF 0xFE} opens that file), but
 * its {@code toString()} decodes them with {@code sun.jnu.encoding} (replacing invalid bytes with U+FFFD), and
 * {@code Path.of(String)} encodes with it: text does not round-trip. A {@code file:} URI does: the default file
 * system's {@link Path#toUri()} {@code %}-escapes the name's raw bytes, and {@link Path#of(URI)} decodes the
 * escapes back into exactly those bytes. So {@link #bytes} reads a name's bytes as {@link PosixFiles#pathBytes}
 * does and {@link #path} makes a one-segment {@link Path} from bytes through {@code Path.of(URI)}; a request path's
 * escapes ({@link RequestPath}) and a listing's links ({@link DirectoryListing}) use the same bytes, so a link
 * fetches the file it lists whatever its name. Pure computation (but {@link #bytes} may stat): any thread.
 */
final class FileNames {
    /** The longest file name (one path segment) Linux accepts, in bytes: {@code NAME_MAX}. */
    public static final int NAME_MAX = 255;
    /** The longest path Linux accepts, in bytes including the terminating NUL: {@code PATH_MAX}. */
    public static final int PATH_MAX = 4096;

    private FileNames() {
    }

    /** The bytes of the last segment of {@code p} (a file name), as on the disk. */
    public static byte[] bytes(Path p) {
        Path name = p.getFileName();
        if (name == null) {
            return new byte[0];
        }
        if (p.getFileSystem() != FileSystems.getDefault()) {
            return name.toString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] all = PosixFiles.pathBytes(p);
        int start = all.length;
        while (start > 0 && all[start - 1] != '/') {
            start--;
        }
        return java.util.Arrays.copyOfRange(all, start, all.length);
    }

    /**
     * A relative path of one segment, the file name {@code name} (bytes without {@code /} or NUL), in the file
     * system of {@code like}.
     */
    public static Path path(Path like, byte[] name) {
        if (isAscii(name) || like.getFileSystem() != FileSystems.getDefault()) {
            return like.getFileSystem().getPath(new String(name, isAscii(name)
                    ? StandardCharsets.US_ASCII : StandardCharsets.UTF_8));
        }
        return Path.of(URI.create("file:///" + escape(name))).getFileName();
    }

    /** {@code name} {@code %}-escaped byte by byte: everything but RFC 3986's unreserved characters. */
    public static String escape(byte[] name) {
        StringBuilder b = new StringBuilder(name.length + 16);
        for (byte x : name) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** The text of {@code name} for people: UTF-8, invalid bytes shown as U+FFFD. */
    public static String display(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }
}

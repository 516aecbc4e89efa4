/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The path of a request URI, decoded and normalised lexically into segments below the served directory.
 *
 * <p>{@link #parse} drops the query and fragment (and the scheme and authority of an absolute-form URI),
 * decodes {@code %}-escapes into bytes <em>before</em> looking at the segments (so {@code %2e%2e%2f} is
 * {@code ../}), drops empty and {@code .} segments and lets {@code ..} remove the previous segment. A {@code ..}
 * that would climb above the root is refused ({@link HttpResponseStatus#FORBIDDEN}), as is a NUL byte; bad
 * escapes are {@link HttpResponseStatus#BAD_REQUEST}; a segment longer than {@link FileNames#NAME_MAX} bytes
 * names no file ({@link HttpResponseStatus#NOT_FOUND}), a path of {@link FileNames#PATH_MAX} bytes or more is
 * {@link HttpResponseStatus#REQUEST_URI_TOO_LONG}. A segment is the file name of exactly its decoded bytes,
 * valid UTF-8 or not (a Linux file name is bytes: see {@link FileNames}); {@link #segments()} shows them as
 * text. Symbolic links are checked later, against the file system ({@link ServedDirectory}). Pure
 * computation: any thread.
 */
final class RequestPath {
    private final List<String> segments;
    private final List<byte[]> rawSegments;
    private final boolean directoryForm;

    private RequestPath(List<byte[]> rawSegments, boolean directoryForm) {
        List<String> text = new ArrayList<>(rawSegments.size());
        for (byte[] b : rawSegments) {
            text.add(FileNames.display(b));
        }
        this.segments = Collections.unmodifiableList(text);
        this.rawSegments = rawSegments;
        this.directoryForm = directoryForm;
    }

    /** Refusal of a request path, with the status to answer. */
    public static final class InvalidPathException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient HttpResponseStatus status;

        InvalidPathException(HttpResponseStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** {@code 400 Bad Request}, {@code 403 Forbidden}, {@code 404 Not Found} or {@code 414 URI Too Long}. */
        public HttpResponseStatus status() {
            return status;
        }
    }

    /**
     * Parses the request target {@code uri} (origin form {@code /a/b?q}, or absolute form
     * {@code http://host/a/b}).
     *
     * @throws InvalidPathException with {@code 403} for a {@code ..} escaping the root or a NUL byte, {@code 400}
     *                              for anything not a path or a bad {@code %}-escape, {@code 404} for a segment
     *                              over {@link FileNames#NAME_MAX} bytes, {@code 414} for a path over
     *                              {@link FileNames#PATH_MAX}
     */
    public static RequestPath parse(String uri) throws InvalidPathException {
        String path = uri;
        int schemeEnd = path.indexOf("://");
        if (schemeEnd > 0 && path.indexOf('/') > schemeEnd) {
            int slash = path.indexOf('/', schemeEnd + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int cut = path.length();
        int q = path.indexOf('?');
        if (q >= 0) {
            cut = q;
        }
        int hash = path.indexOf('#');
        if (hash >= 0 && hash < cut) {
            cut = hash;
        }
        path = path.substring(0, cut);
        if (!path.startsWith("/")) {
            throw new InvalidPathException(HttpResponseStatus.BAD_REQUEST, "not an absolute path: " + uri);
        }
        byte[] decoded = decode(path);
        if (decoded.length >= FileNames.PATH_MAX) {
            throw new InvalidPathException(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "path of " + decoded.length + " bytes");
        }
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= decoded.length; i++) {
            if (i < decoded.length && decoded[i] == 0) {
                throw new InvalidPathException(HttpResponseStatus.FORBIDDEN, "NUL in path");
            }
            if (i < decoded.length && decoded[i] != '/') {
                continue;
            }
            int len = i - from;
            boolean dot = len == 1 && decoded[from] == '.';
            boolean dotDot = len == 2 && decoded[from] == '.' && decoded[from + 1] == '.';
            if (dotDot) {
                if (out.isEmpty()) {
                    throw new InvalidPathException(HttpResponseStatus.FORBIDDEN, "path escapes the served directory");
                }
                out.remove(out.size() - 1);
            } else if (len > 0 && !dot) {
                out.add(Arrays.copyOfRange(decoded, from, i));
            }
            from = i + 1;
        }
        for (byte[] segment : out) {
            if (segment.length > FileNames.NAME_MAX) {
                throw new InvalidPathException(HttpResponseStatus.NOT_FOUND,
                        "a path segment of " + segment.length + " bytes names no file");
            }
        }
        String text = new String(decoded, StandardCharsets.ISO_8859_1);
        boolean dirForm = text.endsWith("/") || text.endsWith("/.") || text.endsWith("/..");
        return new RequestPath(out, dirForm || out.isEmpty());
    }

    private static byte[] decode(String s) throws InvalidPathException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new InvalidPathException(HttpResponseStatus.BAD_REQUEST, "truncated %-escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidPathException(HttpResponseStatus.BAD_REQUEST, "bad %-escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                int cp = s.codePointAt(i);
                byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(enc, 0, enc.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return bytes.toByteArray();
    }

    /** The decoded, normalised segments (empty for the root), as text: UTF-8, invalid bytes shown as U+FFFD. */
    public List<String> segments() {
        return segments;
    }

    /** The segment at {@code index} as the bytes of its file name (a copy). */
    public byte[] rawSegment(int index) {
        return rawSegments.get(index).clone();
    }

    /** The normalised path {@code %}-escaped byte by byte (as links and redirects carry it), from the root. */
    public String encoded() {
        StringBuilder b = new StringBuilder();
        for (byte[] s : rawSegments) {
            b.append('/').append(FileNames.escape(s));
        }
        if (directoryForm) {
            b.append('/');
        }
        return b.toString();
    }

    /** Whether the path names a directory by its form: the root, or ending in {@code /}. */
    public boolean isDirectoryForm() {
        return directoryForm;
    }

    /** The file this path names under {@code root}, lexically (no file-system access), byte for byte. */
    public Path resolveIn(Path root) {
        Path p = root;
        for (byte[] s : rawSegments) {
            p = p.resolve(FileNames.path(root, s));
        }
        return p;
    }

    /** The normalised path as text, {@code /} separated, with a trailing {@code /} in directory form. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (String s : segments) {
            b.append('/').append(s);
        }
        if (directoryForm) {
            b.append('/');
        }
        return b.toString();
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.examples;

import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The path of a request URI, decoded and normalised lexically into segments below the served directory.
 *
 * <p>{@link #parse} drops the query and fragment (and the scheme and authority of an absolute-form URI),
 * decodes {@code %}-escapes as UTF-8 <em>before</em> looking at the segments (so {@code %2e%2e%2f} is
 * {@code ../}), drops empty and {@code .} segments and lets {@code ..} remove the previous segment. A {@code ..}
 * that would climb above the root is refused ({@link HttpResponseStatus#FORBIDDEN}), as is a NUL byte; bad
 * escapes or invalid UTF-8 are {@link HttpResponseStatus#BAD_REQUEST}. Symbolic links are checked later,
 * against the file system ({@link ServedDirectory}). Pure computation: any thread.
 */
public final class RequestPath {
    private final List<String> segments;
    private final boolean directoryForm;

    private RequestPath(List<String> segments, boolean directoryForm) {
        this.segments = Collections.unmodifiableList(segments);
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

        /** {@code 400 Bad Request} or {@code 403 Forbidden}. */
        public HttpResponseStatus status() {
            return status;
        }
    }

    /**
     * Parses the request target {@code uri} (origin form {@code /a/b?q}, or absolute form
     * {@code http://host/a/b}).
     *
     * @throws InvalidPathException with {@code 403} for a {@code ..} escaping the root or a NUL byte, {@code 400}
     *                              for anything not a path, a bad {@code %}-escape or invalid UTF-8
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
        String decoded = decode(path);
        if (decoded.indexOf('\0') >= 0) {
            throw new InvalidPathException(HttpResponseStatus.FORBIDDEN, "NUL in path");
        }
        List<String> out = new ArrayList<>();
        for (String s : decoded.split("/", -1)) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (out.isEmpty()) {
                    throw new InvalidPathException(HttpResponseStatus.FORBIDDEN, "path escapes the served directory");
                }
                out.remove(out.size() - 1);
            } else {
                out.add(s);
            }
        }
        boolean dirForm = decoded.endsWith("/") || decoded.endsWith("/.") || decoded.endsWith("/..");
        return new RequestPath(out, dirForm || out.isEmpty());
    }

    private static String decode(String s) throws InvalidPathException {
        if (s.indexOf('%') < 0) {
            return s;
        }
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
            } else {
                byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(enc, 0, enc.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidPathException(HttpResponseStatus.BAD_REQUEST, "path is not UTF-8");
        }
    }

    /** The decoded, normalised segments (empty for the root). */
    public List<String> segments() {
        return segments;
    }

    /** Whether the path names a directory by its form: the root, or ending in {@code /}. */
    public boolean isDirectoryForm() {
        return directoryForm;
    }

    /** The file this path names under {@code root}, lexically (no file-system access). */
    public Path resolveIn(Path root) {
        Path p = root;
        for (String s : segments) {
            p = p.resolve(s);
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

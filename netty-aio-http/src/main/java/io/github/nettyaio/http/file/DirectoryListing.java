/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The HTML page listing a directory: every name HTML-escaped in the text and {@code %}-escaped in the link, so
 * a file called {@code <script>} or {@code a&b?.txt} is shown and linked as itself. The link escapes the name's
 * bytes as they are on the disk ({@link FileNames}), so a name that is not UTF-8 (shown with U+FFFD) still links
 * to its file. Pure computation: any thread.
 */
final class DirectoryListing {
    /** One directory entry: its name, whether it is a directory, and its size in bytes (-1 for directories). */
    public static final class Entry {
        private final String name;
        private final byte[] rawName;
        private final boolean directory;
        private final long size;

        /** An entry called {@code name} (its bytes on the disk: {@code name} in UTF-8). */
        public Entry(String name, boolean directory, long size) {
            this(name, name.getBytes(StandardCharsets.UTF_8), directory, size);
        }

        /** An entry shown as {@code name} whose file name on the disk is the bytes {@code rawName}. */
        public Entry(String name, byte[] rawName, boolean directory, long size) {
            this.name = Objects.requireNonNull(name, "name");
            this.rawName = Objects.requireNonNull(rawName, "rawName").clone();
            this.directory = directory;
            this.size = size;
        }

        /** The file name (one path segment) as text. */
        public String name() {
            return name;
        }

        /** The file name's bytes {@code %}-escaped, as a link to it carries them (no trailing {@code /}). */
        public String href() {
            return FileNames.escape(rawName);
        }

        /** Whether it is a directory. */
        public boolean isDirectory() {
            return directory;
        }

        /** Its size in bytes, -1 for a directory. */
        public long size() {
            return size;
        }
    }

    private DirectoryListing() {
    }

    /**
     * The page for the directory at request path {@code path} (shown as its title; a parent link is added
     * unless it is the root) holding {@code entries}.
     */
    public static String html(RequestPath path, List<Entry> entries) {
        String title = escapeHtml(path.toString());
        StringBuilder b = new StringBuilder(256 + entries.size() * 96);
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ").append(title)
                .append("</title></head>\n<body><h1>Index of ").append(title).append("</h1>\n<ul>\n");
        if (!path.segments().isEmpty()) {
            b.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (Entry e : entries) {
            String shown = e.name() + (e.isDirectory() ? "/" : "");
            b.append("<li><a href=\"").append(escapeHtml(e.href()))
                    .append(e.isDirectory() ? "/" : "").append("\">").append(escapeHtml(shown)).append("</a>");
            if (!e.isDirectory()) {
                b.append(" (").append(e.size()).append(" bytes)");
            }
            b.append("</li>\n");
        }
        return b.append("</ul>\n</body></html>\n").toString();
    }

    /** {@code s} with {@code & < > " '} replaced by character references. */
    public static String escapeHtml(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    /** One path segment {@code %}-escaped as UTF-8: everything but RFC 3986's unreserved characters. */
    public static String encodeSegment(String segment) {
        return FileNames.escape(segment.getBytes(StandardCharsets.UTF_8));
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.http.file;

/**
 * Which names a server serves. Temporary upload files ({@code .name.<random>.upload}, see {@link #uploadPrefix},
 * or {@code .<random>.upload} where the name is too long for that: {@link UploadNames}) are never served nor
 * listed; other names starting with {@code .} (dot-files and dot-directories such as {@code .git}) only when
 * {@link HttpFileService.Builder#hiddenFiles} shows them. A path is served only if every one of its segments is.
 * Pure computation, immutable: any thread.
 */
final class Visibility {
    /** The suffix of temporary upload files. */
    public static final String UPLOAD_SUFFIX = ".upload";

    private final boolean showHidden;

    /** Hides dot-files unless {@code showHidden}; always hides temporary upload files. */
    public Visibility(boolean showHidden) {
        this.showHidden = showHidden;
    }

    /** Whether dot-files (other than temporary upload files) are served. */
    public boolean showsHidden() {
        return showHidden;
    }

    /** The prefix of the temporary files of uploads to {@code name}: {@code .name.}. */
    public static String uploadPrefix(String name) {
        return "." + name + ".";
    }

    /** Whether {@code name} has the form of a temporary upload file: {@code .} ... {@code .upload}. */
    public static boolean isUploadTemp(String name) {
        return name.startsWith(".") && name.endsWith(UPLOAD_SUFFIX) && name.length() > UPLOAD_SUFFIX.length() + 1;
    }

    /** Whether the file or directory called {@code name} (one path segment) is served and listed. */
    public boolean isServed(String name) {
        return !isUploadTemp(name) && (showHidden || !name.startsWith("."));
    }

    /** Whether every segment of {@code segments} is served. */
    public boolean isServed(Iterable<String> segments) {
        for (String s : segments) {
            if (!isServed(s)) {
                return false;
            }
        }
        return true;
    }
}

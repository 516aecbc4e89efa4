/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The numeric constants of one platform that netty-aio passes to or reads from the kernel and libc.
 *
 * <p>Each public {@code int} field carries the C macro's name and value; a macro the platform does not
 * define holds {@link #NA}. This class is data: the ABI tests compare every field with
 * {@code src/test/resources/abi/constants.tsv} for every platform netty-aio claims, by reflection, so adding a
 * field here adds a check there. Immutable; any thread. Errno values the same on every platform are not here but
 * in {@link Errno}.
 *
 * <p>It is critical to compare with the running platform's instance ({@code Platform.abi().constants()}), never
 * with a literal: most values differ between Linux, FreeBSD and macOS.
 */
@SuppressWarnings({"checkstyle:MemberName", "checkstyle:ParameterName"})
public final class AbiConstants {
    /** The value of a constant the platform does not define. */
    public static final int NA = Integer.MIN_VALUE;

    // sigevent notification kinds
    /** SIGEV_NONE, or {@link #NA}. */
    public final int SIGEV_NONE;
    /** SIGEV_SIGNAL, or {@link #NA}. */
    public final int SIGEV_SIGNAL;
    /** SIGEV_THREAD, or {@link #NA}. */
    public final int SIGEV_THREAD;
    /** SIGEV_KEVENT, or {@link #NA}. */
    public final int SIGEV_KEVENT;

    // kqueue filters, flags and notes (FreeBSD/macOS; {@link #NA} on Linux)
    /** EVFILT_READ, or {@link #NA}. */
    public final int EVFILT_READ;
    /** EVFILT_AIO, or {@link #NA}. */
    public final int EVFILT_AIO;
    /** EVFILT_LIO, or {@link #NA}. */
    public final int EVFILT_LIO;
    /** EVFILT_TIMER, or {@link #NA}. */
    public final int EVFILT_TIMER;
    /** EVFILT_USER, or {@link #NA}. */
    public final int EVFILT_USER;
    /** EV_ADD, or {@link #NA}. */
    public final int EV_ADD;
    /** EV_DELETE, or {@link #NA}. */
    public final int EV_DELETE;
    /** EV_ENABLE, or {@link #NA}. */
    public final int EV_ENABLE;
    /** EV_DISABLE, or {@link #NA}. */
    public final int EV_DISABLE;
    /** EV_ONESHOT, or {@link #NA}. */
    public final int EV_ONESHOT;
    /** EV_CLEAR, or {@link #NA}. */
    public final int EV_CLEAR;
    /** EV_DISPATCH, or {@link #NA}. */
    public final int EV_DISPATCH;
    /** EV_ERROR, or {@link #NA}. */
    public final int EV_ERROR;
    /** EV_EOF, or {@link #NA}. */
    public final int EV_EOF;
    /** NOTE_TRIGGER, or {@link #NA}. */
    public final int NOTE_TRIGGER;

    // lio_listio opcodes and modes
    /** LIO_NOP, or {@link #NA}. */
    public final int LIO_NOP;
    /** LIO_READ, or {@link #NA}. */
    public final int LIO_READ;
    /** LIO_WRITE, or {@link #NA}. */
    public final int LIO_WRITE;
    /** LIO_READV, or {@link #NA}. */
    public final int LIO_READV;
    /** LIO_WRITEV, or {@link #NA}. */
    public final int LIO_WRITEV;
    /** LIO_WAIT, or {@link #NA}. */
    public final int LIO_WAIT;
    /** LIO_NOWAIT, or {@link #NA}. */
    public final int LIO_NOWAIT;

    // aio_cancel results
    /** AIO_CANCELED, or {@link #NA}. */
    public final int AIO_CANCELED;
    /** AIO_NOTCANCELED, or {@link #NA}. */
    public final int AIO_NOTCANCELED;
    /** AIO_ALLDONE, or {@link #NA}. */
    public final int AIO_ALLDONE;

    // errno values that differ between platforms; the classic ones, the same everywhere, are Errno's
    /** EAGAIN, or {@link #NA}. */
    public final int EAGAIN;
    /** EINPROGRESS, or {@link #NA}. */
    public final int EINPROGRESS;
    /** EOPNOTSUPP, or {@link #NA}. */
    public final int EOPNOTSUPP;
    /** ENOSYS, or {@link #NA}. */
    public final int ENOSYS;
    /** EOVERFLOW, or {@link #NA}. */
    public final int EOVERFLOW;
    /** ECANCELED, or {@link #NA}. */
    public final int ECANCELED;

    // open(2) flags
    /** O_RDONLY, or {@link #NA}. */
    public final int O_RDONLY;
    /** O_WRONLY, or {@link #NA}. */
    public final int O_WRONLY;
    /** O_RDWR, or {@link #NA}. */
    public final int O_RDWR;
    /** O_NONBLOCK, or {@link #NA}. */
    public final int O_NONBLOCK;
    /** O_APPEND, or {@link #NA}. */
    public final int O_APPEND;
    /** O_CREAT, or {@link #NA}. */
    public final int O_CREAT;
    /** O_TRUNC, or {@link #NA}. */
    public final int O_TRUNC;
    /** O_EXCL, or {@link #NA}. */
    public final int O_EXCL;
    /** O_DIRECT, or {@link #NA}. */
    public final int O_DIRECT;
    /** O_SYNC, or {@link #NA}. */
    public final int O_SYNC;
    /** O_DSYNC, or {@link #NA}. */
    public final int O_DSYNC;
    /** O_CLOEXEC, or {@link #NA}. */
    public final int O_CLOEXEC;

    /**
     * A new table holding the values every platform netty-aio supports shares: the access modes
     * {@code O_RDONLY}, {@code O_WRONLY}, {@code O_RDWR}. Each platform's ABI adds its own to it.
     */
    static Map<String, Integer> common() {
        Map<String, Integer> values = new java.util.HashMap<>();
        values.put("O_RDONLY", 0);
        values.put("O_WRONLY", 1);
        values.put("O_RDWR", 2);
        return values;
    }

    /**
     * Creates the constants of one platform from a name → value table.
     *
     * @param values the platform's values; a name that is absent gets {@link #NA}
     * @throws IllegalArgumentException if {@code values} names a constant this class does not declare
     */
    AbiConstants(Map<String, Integer> values) {
        Set<String> known = declaredNames();
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown ABI constant " + name);
            }
        }
        SIGEV_NONE = values.getOrDefault("SIGEV_NONE", NA);
        SIGEV_SIGNAL = values.getOrDefault("SIGEV_SIGNAL", NA);
        SIGEV_THREAD = values.getOrDefault("SIGEV_THREAD", NA);
        SIGEV_KEVENT = values.getOrDefault("SIGEV_KEVENT", NA);
        EVFILT_READ = values.getOrDefault("EVFILT_READ", NA);
        EVFILT_AIO = values.getOrDefault("EVFILT_AIO", NA);
        EVFILT_LIO = values.getOrDefault("EVFILT_LIO", NA);
        EVFILT_TIMER = values.getOrDefault("EVFILT_TIMER", NA);
        EVFILT_USER = values.getOrDefault("EVFILT_USER", NA);
        EV_ADD = values.getOrDefault("EV_ADD", NA);
        EV_DELETE = values.getOrDefault("EV_DELETE", NA);
        EV_ENABLE = values.getOrDefault("EV_ENABLE", NA);
        EV_DISABLE = values.getOrDefault("EV_DISABLE", NA);
        EV_ONESHOT = values.getOrDefault("EV_ONESHOT", NA);
        EV_CLEAR = values.getOrDefault("EV_CLEAR", NA);
        EV_DISPATCH = values.getOrDefault("EV_DISPATCH", NA);
        EV_ERROR = values.getOrDefault("EV_ERROR", NA);
        EV_EOF = values.getOrDefault("EV_EOF", NA);
        NOTE_TRIGGER = values.getOrDefault("NOTE_TRIGGER", NA);
        LIO_NOP = values.getOrDefault("LIO_NOP", NA);
        LIO_READ = values.getOrDefault("LIO_READ", NA);
        LIO_WRITE = values.getOrDefault("LIO_WRITE", NA);
        LIO_READV = values.getOrDefault("LIO_READV", NA);
        LIO_WRITEV = values.getOrDefault("LIO_WRITEV", NA);
        LIO_WAIT = values.getOrDefault("LIO_WAIT", NA);
        LIO_NOWAIT = values.getOrDefault("LIO_NOWAIT", NA);
        AIO_CANCELED = values.getOrDefault("AIO_CANCELED", NA);
        AIO_NOTCANCELED = values.getOrDefault("AIO_NOTCANCELED", NA);
        AIO_ALLDONE = values.getOrDefault("AIO_ALLDONE", NA);
        EAGAIN = values.getOrDefault("EAGAIN", NA);
        EINPROGRESS = values.getOrDefault("EINPROGRESS", NA);
        EOPNOTSUPP = values.getOrDefault("EOPNOTSUPP", NA);
        ENOSYS = values.getOrDefault("ENOSYS", NA);
        EOVERFLOW = values.getOrDefault("EOVERFLOW", NA);
        ECANCELED = values.getOrDefault("ECANCELED", NA);
        O_RDONLY = values.getOrDefault("O_RDONLY", NA);
        O_WRONLY = values.getOrDefault("O_WRONLY", NA);
        O_RDWR = values.getOrDefault("O_RDWR", NA);
        O_NONBLOCK = values.getOrDefault("O_NONBLOCK", NA);
        O_APPEND = values.getOrDefault("O_APPEND", NA);
        O_CREAT = values.getOrDefault("O_CREAT", NA);
        O_TRUNC = values.getOrDefault("O_TRUNC", NA);
        O_EXCL = values.getOrDefault("O_EXCL", NA);
        O_DIRECT = values.getOrDefault("O_DIRECT", NA);
        O_SYNC = values.getOrDefault("O_SYNC", NA);
        O_DSYNC = values.getOrDefault("O_DSYNC", NA);
        O_CLOEXEC = values.getOrDefault("O_CLOEXEC", NA);
    }

    /** Returns whether {@code value} is a defined constant (not {@link #NA}). */
    public static boolean defined(int value) {
        return value != NA;
    }

    /**
     * Returns every constant of this platform by C name, in declaration order, {@link #NA} included.
     */
    public Map<String, Integer> asMap() {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Field field : AbiConstants.class.getDeclaredFields()) {
            if (isConstantField(field)) {
                try {
                    map.put(field.getName(), field.getInt(this));
                } catch (IllegalAccessException inaccessible) {
                    throw new AssertionError(inaccessible);
                }
            }
        }
        return Collections.unmodifiableMap(map);
    }

    private static Set<String> declaredNames() {
        Set<String> names = new java.util.HashSet<>();
        for (Field field : AbiConstants.class.getDeclaredFields()) {
            if (isConstantField(field)) {
                names.add(field.getName());
            }
        }
        return names;
    }

    private static boolean isConstantField(Field field) {
        int modifiers = field.getModifiers();
        return field.getType() == int.class && Modifier.isPublic(modifiers) && Modifier.isFinal(modifiers)
                && !Modifier.isStatic(modifiers);
    }
}

/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.internal.driver;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.unix.FileDescriptor;

import java.lang.reflect.Field;

/**
 * The one place that reaches into Netty 4.2.18's non-public kqueue state: the kqueue fd of a loop's
 * {@link KQueueIoHandler} ({@code SingleThreadIoEventLoop.ioHandler} → {@code KQueueIoHandler.kqueueFd}) and
 * the id of an {@link IoRegistration} (the wrapper's {@code registration} →
 * {@code DefaultKqueueIoRegistration.id}), which Netty puts in every kevent's {@code udata} and routes events by.
 * Reflection only; any thread.
 *
 * <p>It is critical that nothing here throws: each method returns a sentinel when the fields are missing or
 * inaccessible (another Netty version, or the module path without {@code --add-opens}), and the caller then
 * falls back to a {@link NestedKQueueAioDriver}.
 */
final class KQueueAccess {
    private KQueueAccess() {
    }

    /** The kqueue fd of {@code loop}'s {@link KQueueIoHandler}, or -1 when it can't be read. */
    static int kqueueFd(IoEventLoop loop) {
        try {
            Object handler = field(SingleThreadIoEventLoop.class, "ioHandler").get(loop);
            if (!(handler instanceof KQueueIoHandler)) {
                return -1;
            }
            Object fd = field(KQueueIoHandler.class, "kqueueFd").get(handler);
            return fd instanceof FileDescriptor ? ((FileDescriptor) fd).intValue() : -1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** The id Netty's kqueue handler routes {@code registration}'s events by, or -1 when it can't be read. */
    static long registrationId(IoRegistration registration) {
        try {
            Object inner = unwrap(registration);
            Field id = inner.getClass().getDeclaredField("id");
            id.setAccessible(true);
            return id.getLong(inner);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** The handler's own registration inside {@code SingleThreadIoEventLoop}'s wrapper. */
    static Object unwrap(IoRegistration registration) throws ReflectiveOperationException {
        Class<?> type = registration.getClass();
        if (type.getName().equals(SingleThreadIoEventLoop.class.getName() + "$IoRegistrationWrapper")) {
            Field inner = type.getDeclaredField("registration");
            inner.setAccessible(true);
            return inner.get(registration);
        }
        return registration;
    }

    /** Whether the fields this class reads exist in the Netty on the class path (checked without a kqueue). */
    static boolean fieldsPresent() {
        try {
            field(SingleThreadIoEventLoop.class, "ioHandler");
            field(KQueueIoHandler.class, "kqueueFd");
            Class<?> reg = Class.forName(KQueueIoHandler.class.getName() + "$DefaultKqueueIoRegistration");
            return reg.getDeclaredField("id").getType() == long.class;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}

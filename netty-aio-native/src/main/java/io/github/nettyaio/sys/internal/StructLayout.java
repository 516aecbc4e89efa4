/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

import java.util.List;

/**
 * The layout of one C structure on one platform: its name, total size, alignment and the fields the JNA
 * layer touches. Fields that netty-aio never reads or writes (kernel-private ones) are deliberately absent.
 * Immutable; any thread. It is critical to look fields up by name ({@link #field}), never by position: the
 * platforms order them differently.
 *
 * @param cName  the structure's tag in C (for example {@code aiocb})
 * @param size   {@code sizeof(struct ...)}
 * @param align  {@code _Alignof(struct ...)}
 * @param fields the fields netty-aio uses
 */
public record StructLayout(String cName, int size, int align, List<StructField> fields) {
    /**
     * Creates a layout description and checks that every field lies inside the structure.
     *
     * @throws IllegalArgumentException if a field extends past {@code size}
     */
    public StructLayout {
        fields = List.copyOf(fields);
        for (StructField field : fields) {
            if (field.offset() + field.size() > size) {
                throw new IllegalArgumentException(cName + "." + field.cName() + " lies outside the " + size
                        + "-byte struct");
            }
        }
    }

    /**
     * Returns the field called {@code name}.
     *
     * @throws IllegalArgumentException if this layout has no such field
     */
    public StructField field(String name) {
        for (StructField field : fields) {
            if (field.cName().equals(name)) {
                return field;
            }
        }
        throw new IllegalArgumentException("struct " + cName + " has no field " + name + " in this ABI");
    }

    /**
     * Returns the byte offset of the field called {@code name}.
     *
     * @throws IllegalArgumentException if this layout has no such field
     */
    public int offset(String name) {
        return field(name).offset();
    }

    /** Returns whether this layout describes a field called {@code name}. */
    public boolean has(String name) {
        for (StructField field : fields) {
            if (field.cName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}

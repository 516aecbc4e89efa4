/*
 * Copyright 2026 The netty-aio Project
 * Licensed under the Apache License, Version 2.0.
 */
package io.github.nettyaio.sys.internal;

/**
 * One field of a C structure as the JNA layer reads and writes it: its C name, byte offset and size.
 *
 * <p>Instances are plain data; the ABI tests compare every one of them with {@code abi/layouts.tsv}.
 *
 * @param cName  the field's name in the C header (for example {@code aio_fildes})
 * @param offset the byte offset from the start of the structure
 * @param size   the field's size in bytes
 */
public record StructField(String cName, int offset, int size) {
    /**
     * Creates a field description.
     *
     * @throws IllegalArgumentException if {@code offset} is negative or {@code size} is not positive
     */
    public StructField {
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException(cName + ": offset " + offset + ", size " + size);
        }
    }
}

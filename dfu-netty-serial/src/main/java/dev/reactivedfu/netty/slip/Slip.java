package dev.reactivedfu.netty.slip;

import io.netty.util.ByteProcessor;

/** The SLIP special bytes (DESIGN.md, "Framing"). */
public final class Slip {

    /** Closes a frame. */
    public static final byte END = (byte) 0xC0;
    /** Starts an escape sequence. */
    public static final byte ESC = (byte) 0xDB;
    /** After {@link #ESC}: a data byte {@code 0xC0}. */
    public static final byte ESC_END = (byte) 0xDC;
    /** After {@link #ESC}: a data byte {@code 0xDB}. */
    public static final byte ESC_ESC = (byte) 0xDD;

    /** Stops a {@code forEachByte} scan at the first END or ESC. */
    static final ByteProcessor NOT_SPECIAL = b -> b != END && b != ESC;

    private Slip() {
    }
}

package dev.reactivedfu.netty.slip;

import io.netty.util.ByteProcessor;

/** The SLIP special bytes (DESIGN.md, "Framing") as {@code byte}s for ByteBuf code; the values are the core's {@link dev.reactivedfu.protocol.Slip}. */
public final class Slip {

    /** Closes a frame. */
    public static final byte END = (byte) dev.reactivedfu.protocol.Slip.END;
    /** Starts an escape sequence. */
    public static final byte ESC = (byte) dev.reactivedfu.protocol.Slip.ESC;
    /** After {@link #ESC}: a data byte {@code 0xC0}. */
    public static final byte ESC_END = (byte) dev.reactivedfu.protocol.Slip.ESC_END;
    /** After {@link #ESC}: a data byte {@code 0xDB}. */
    public static final byte ESC_ESC = (byte) dev.reactivedfu.protocol.Slip.ESC_ESC;

    /** Stops a {@code forEachByte} scan at the first END or ESC. */
    static final ByteProcessor NOT_SPECIAL = b -> b != END && b != ESC;

    private Slip() {
    }
}

package dev.reactivedfu.netty.slip;

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

    private Slip() {
    }
}

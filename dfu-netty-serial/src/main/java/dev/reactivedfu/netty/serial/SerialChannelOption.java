package dev.reactivedfu.netty.serial;

import io.netty.channel.ChannelOption;

/**
 * Options of a {@link SerialChannel}. Set them on the bootstrap before connecting (they are applied when the port
 * opens) or on an open channel's config (applied at once: changing {@link #DTR} or {@link #RTS} on an open port
 * drives the line immediately, which is how reset sequences are played).
 */
public final class SerialChannelOption {

    /** Bits per second; default 115200. A pseudo-terminal ignores it. */
    public static final ChannelOption<Integer> BAUD_RATE = ChannelOption.valueOf(SerialChannelOption.class, "BAUD_RATE");
    /** Data bits per character, 5 to 8; default 8. */
    public static final ChannelOption<Integer> DATA_BITS = ChannelOption.valueOf(SerialChannelOption.class, "DATA_BITS");
    /** Parity; default {@link Parity#NONE}. */
    public static final ChannelOption<Parity> PARITY = ChannelOption.valueOf(SerialChannelOption.class, "PARITY");
    /** Stop bits; default {@link StopBits#ONE}. */
    public static final ChannelOption<StopBits> STOP_BITS = ChannelOption.valueOf(SerialChannelOption.class, "STOP_BITS");
    /**
     * RTS/CTS hardware flow control; default off. Nordic's UART bootloader is built with it on; without it, writes
     * arriving while flash is busy can be lost. While on, the driver owns the RTS line and {@link #RTS} is ignored.
     */
    public static final ChannelOption<Boolean> RTS_CTS_FLOW_CONTROL =
            ChannelOption.valueOf(SerialChannelOption.class, "RTS_CTS_FLOW_CONTROL");
    /** DTR level: {@code true} asserts the line; default {@code true} (as most serial tools open ports). */
    public static final ChannelOption<Boolean> DTR = ChannelOption.valueOf(SerialChannelOption.class, "DTR");
    /** RTS level: {@code true} asserts the line; default {@code true}. */
    public static final ChannelOption<Boolean> RTS = ChannelOption.valueOf(SerialChannelOption.class, "RTS");
    /**
     * How long one blocking read waits for a byte before the read thread looks again whether the channel was
     * closed, in milliseconds; default 100. Bounds how long closing takes, nothing else.
     */
    public static final ChannelOption<Integer> READ_TIMEOUT_MILLIS =
            ChannelOption.valueOf(SerialChannelOption.class, "READ_TIMEOUT_MILLIS");

    private SerialChannelOption() {
    }
}

package dev.reactivedfu.transfer;

import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.DfuException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many data bytes one WRITE carries on this update's line: what the MTU allows ({@code (mtu - 1) / 2 - 1},
 * {@link dev.reactivedfu.protocol.Mtu#maxWritePayload}) until the line shows that it changes bytes, then one byte
 * less, so that a flipped END cannot jam the device.
 *
 * <p>The hazard (DESIGN.md, "The SLIP decoder has hazards"): Nordic's SLIP input holds at most MTU decoded bytes
 * ({@code buffer_len = UART_SLIP_MTU} in nrf_dfu_serial_uart.c) and refuses every byte, END included, once it is full.
 * An END that arrives changed (a flipped bit) joins two frames into one; two full-size writes then decode to
 * {@code 2 · (1 + 64) + 1 = 131} bytes on UART, the whole buffer, and the device answers nothing until its inactivity
 * timer resets it 120 s later, which drops its progress when that is kept in RAM (issue 10: a 400 KiB update at one
 * flipped byte in 4000 met about two such jams). With writes of {@code (mtu - 4) / 2} bytes (63 on UART, 1023 on USB
 * CDC) two joined frames decode to at most {@code mtu - 2} bytes: the device takes them as one garbled WRITE, which
 * costs one re-created object instead of the device.
 *
 * <p>The evidence that the line changes bytes: a CRC the device reports at exactly the offset the engine expected,
 * differing from the image's by what one changed byte makes ({@link #oneByteChanged}: a write dropped whole, as full
 * RX buffers drop them, shifts the data and differs otherwise), or a device that went silent right after writes (a
 * jam). Shared by the update's connections; touched only by its serial steps.
 */
final class WriteSizing {

    private static final Logger log = LoggerFactory.getLogger(WriteSizing.class);

    private final String port;
    private boolean changesBytes;

    WriteSizing(String port) {
        this.port = port;
    }

    /** Data bytes per WRITE, given the most the MTU allows ({@code mtuChunk}) and the device's {@code mtu}. */
    int chunk(int mtuChunk, int mtu) {
        if (!changesBytes) {
            return mtuChunk;
        }
        return Math.max(1, Math.min(mtuChunk, jamFree(mtu)));
    }

    /** The largest write of which two frames joined by a changed END stay below an MTU-sized SLIP buffer. */
    static int jamFree(int mtu) {
        return (mtu - 4) / 2;
    }

    /** A fault of an attempt that was streaming writes; {@code silent}: the device then stopped answering pings. */
    void fault(DfuException cause, boolean silent) {
        boolean changed = cause instanceof CrcMismatchException c && c.deviceOffset() == c.offset()
                && oneByteChanged(c.expectedCrc(), c.actualCrc(), (int) Math.min(c.offset(), MAX_SPAN));
        if ((changed || silent) && !changesBytes) {
            changesBytes = true;
            log.info("{}: {}: writes of one byte less from now on, so that a changed END cannot jam the device",
                    port, silent ? "the device went silent after writes" : "the device received bytes changed");
        }
    }

    /**
     * Whether CRC-32 {@code actualCrc} is that of the message with CRC {@code expectedCrc} with one byte changed, at
     * most {@code span} bytes before its end. For messages of equal length the two CRCs differ by the CRC (zero
     * start, no final xor) of their difference, here one byte {@code v} followed by {@code n} zero bytes:
     * {@code Z^n(T[v])}, with {@code T} the CRC table and {@code Z} one zero byte. {@code Z} is invertible, so the
     * difference is walked back one byte at a time and looked up among the 255 {@code T[v]}.
     */
    static boolean oneByteChanged(long expectedCrc, long actualCrc, int span) {
        int d = (int) (expectedCrc ^ actualCrc);
        if (d == 0) {
            return false;
        }
        for (int n = 0; n < span; n++) {
            if (BY_TOP[d >>> 24] >= 0 && TABLE[BY_TOP[d >>> 24]] == d) {
                return true;
            }
            // undo one zero byte: d = (p >>> 8) ^ T[p & 0xFF]; T[i]'s top byte names i
            int i = BY_TOP[d >>> 24];
            d = ((d ^ TABLE[i]) << 8) | i;
        }
        return false;
    }

    /** How far back a changed byte is looked for: an object and the writes before its last verified notification. */
    private static final int MAX_SPAN = 8192;
    /** The reflected CRC-32 table (polynomial 0xEDB88320, as {@link java.util.zip.CRC32}). */
    private static final int[] TABLE = new int[256];
    /** For each top byte, the table index whose entry has it (the top bytes of the 256 entries are all different). */
    private static final int[] BY_TOP = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1;
            }
            TABLE[i] = c;
        }
        java.util.Arrays.fill(BY_TOP, -1);
        for (int i = 0; i < 256; i++) {
            BY_TOP[TABLE[i] >>> 24] = i;
        }
    }

    /** Whether the line was seen changing bytes. */
    boolean changesBytes() {
        return changesBytes;
    }
}

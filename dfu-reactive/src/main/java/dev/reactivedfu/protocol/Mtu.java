package dev.reactivedfu.protocol;

/** Write sizing from the device's MTU (DESIGN.md, "MTU"). */
public final class Mtu {

    /** MTU of Nordic's UART transport. */
    public static final int UART = 131;
    /** MTU of Nordic's USB CDC transport. */
    public static final int USB_CDC = 2051;

    private Mtu() {
    }

    /**
     * The most data bytes one WRITE may carry so that its frame fits the MTU even when every byte is escaped:
     * {@code (mtu - 1) / 2 - 1}. UART MTU 131 gives 64, USB CDC MTU 2051 gives 1024.
     *
     * @throws IllegalArgumentException when the MTU leaves no room for data
     */
    public static int maxWritePayload(int mtu) {
        int payload = (mtu - 1) / 2 - 1;
        if (payload < 1) {
            throw new IllegalArgumentException("MTU " + mtu + " leaves no room for a write");
        }
        return payload;
    }
}

package dev.reactivedfu.transfer;

/** Why the engine tried something again; carried by {@link DfuEvent.ObjectRetried} and the retry metric's tag. */
public enum RetryReason {
    /** The CRC the device reported at the end of an object does not match the local image: data were lost. */
    CRC_MISMATCH("crc_mismatch"),
    /** A PRN notification reported an offset or CRC that does not match what was sent: writes were lost. */
    PRN_MISMATCH("prn_mismatch"),
    /** No answer (or no PRN notification) within the opcode's timeout. */
    TIMEOUT("timeout"),
    /** An answer arrived garbled. */
    GARBLED("garbled"),
    /** The device answered "operation failed" (0x0A). */
    OPERATION_FAILED("operation_failed"),
    /**
     * The device answered as if it had lost its state (0x08 "not permitted" or 0x05 "invalid object" where the
     * engine's plan expected success): it was reset or saw a misread request. State is read again and verified.
     */
    DEVICE_STATE("device_state"),
    /** Progress the device reports did not verify even after re-creating the object: the image starts over. */
    STALE_PROGRESS("stale_progress"),
    /** The port closed or failed (a reset, an unplugged adapter): the engine connects again. */
    CONNECTION_LOST("connection_lost"),
    /** The device stopped answering pings: the engine connects again and escalates. */
    DEVICE_SILENT("device_silent");

    private final String tag;

    RetryReason(String tag) {
        this.tag = tag;
    }

    /** Lower-case name for logs, JSON and metric tags. */
    public String tag() {
        return tag;
    }
}

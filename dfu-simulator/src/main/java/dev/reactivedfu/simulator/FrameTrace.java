package dev.reactivedfu.simulator;

/**
 * Receives every frame the simulated device sees or sends, for {@code --trace} and for tests. Called on the
 * device's scheduler with the device's lock held: keep it quick and never call back into the device.
 */
@FunctionalInterface
public interface FrameTrace {

    /** Which way a frame went. */
    enum Direction {
        /** Host to device: a decoded request packet. */
        IN,
        /** Device to host: a response message, before framing. */
        OUT
    }

    /**
     * One frame.
     *
     * @param direction which way
     * @param nanos     the device scheduler's clock, in nanoseconds
     * @param message   the decoded bytes (a request packet, or a response message)
     * @param note      what happened to it beyond the normal ("replayed", "dropped: RX buffers full", ...), or empty
     */
    void frame(Direction direction, long nanos, byte[] message, String note);

    /** A device event without a frame (reset, boot, jam), by default ignored. */
    default void event(long nanos, String what) {
    }
}

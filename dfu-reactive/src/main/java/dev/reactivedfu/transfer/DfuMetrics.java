package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.OpCode;

/**
 * Where the transfer engine reports what it measures. Every method has a no-op default, so {@link #noop()} is the
 * whole implementation for users without a registry; {@link dev.reactivedfu.metrics.MicrometerDfuMetrics}
 * records Micrometer meters.
 *
 * <p>Methods are called from the update's own steps, one at a time per update, from whichever thread runs it;
 * implementations shared by many updates must be thread-safe.
 */
public interface DfuMetrics {

    /** Result tag of an update that completed. */
    String SUCCESS = "success";
    /** Result tag of an update its subscriber cancelled. */
    String CANCELLED = "cancelled";

    /** Records nothing. */
    static DfuMetrics noop() {
        return NoopMetrics.INSTANCE;
    }

    /** Something is tried again on {@code device} because of {@code reason}. */
    default void retried(String device, RetryReason reason) {
    }

    /** A CRC the device reported did not match the local image (lost writes, or stale progress on resume). */
    default void crcMismatch(String device) {
    }

    /** A request with {@code opCode} was not answered in time (WRITE: a PRN notification). */
    default void timeout(String device, OpCode opCode) {
    }

    /**
     * An update ended.
     *
     * @param result  {@link #SUCCESS}, {@link #CANCELLED}, or the failure's kind in snake case (for example
     *                {@code remote_error}, {@code retries_exhausted}, {@code device_unresponsive})
     * @param summary what it did until then
     */
    default void updateFinished(String device, String result, UpdateSummary summary) {
    }
}

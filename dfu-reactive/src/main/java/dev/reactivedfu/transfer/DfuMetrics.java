package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.OpCode;

import java.time.Duration;

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
     * The credit window of the link on {@code device} is now {@code writes} writes unacknowledged at most (reported
     * at the start of each update and whenever {@link LinkTuning} changes it).
     */
    default void linkWindow(String device, int writes) {
    }

    /**
     * The PRN interval the link on {@code device} uses is now {@code prn} (0: no notifications); reported at the
     * start of each update and whenever it changes.
     */
    default void linkPrn(String device, int prn) {
    }

    /**
     * A round trip on {@code device} took {@code roundTrip}, from the bytes leaving the port to the answer: a CRC GET
     * or a PING answered, or a write acknowledged by its PRN notification (requests whose answer waits for nothing
     * but the line, the device's queue of writes and its parser, unlike CREATE or EXECUTE which wait for flash).
     */
    default void roundTrip(String device, Duration roundTrip) {
    }

    /** Writes on {@code device} were lost: one call per loss the link tuning reacts to (halving the window). */
    default void lostWrites(String device) {
    }

    /**
     * The update on {@code device} has sent {@code bytesPerSecond} bytes per second since it started (updated as
     * data writes leave; the last value stands for the last update).
     */
    default void throughput(String device, double bytesPerSecond) {
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

package dev.reactivedfu.transfer;

import dev.reactivedfu.error.CrcMismatchException;
import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;

/** Sorts failures into what the engine retries, how, and what it reports. */
final class Faults {

    private Faults() {
    }

    /**
     * Internal signal that a step cannot go on with the current connection: its object's retries ran out, or the
     * device stopped answering pings. The image is retried with a new connection; never seen outside the engine.
     */
    static final class Escalation extends RuntimeException {
        final RetryReason reason;
        final DfuException cause;

        Escalation(RetryReason reason, DfuException cause) {
            super(reason.tag() + ": " + cause.getMessage(), cause, false, false);
            this.reason = reason;
            this.cause = cause;
        }
    }

    /**
     * Internal signal that the port could not be opened at all (missing, busy, or gone and not back within the
     * transport's own wait): the update ends with the port error instead of spending retries on a port that is not
     * there, so a pulled cable is reported within seconds.
     */
    static final class PortUnavailable extends RuntimeException {
        final TransportClosedException cause;

        PortUnavailable(TransportClosedException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }

    /**
     * A fault retried on the same connection (after a ping and a fresh SELECT), or {@code null} when {@code e} is
     * not one.
     *
     * @param streaming whether writes were being streamed (a CRC mismatch then is a PRN mismatch)
     */
    static RetryReason lineFault(Throwable e, boolean streaming) {
        if (e instanceof CrcMismatchException) {
            return streaming ? RetryReason.PRN_MISMATCH : RetryReason.CRC_MISMATCH;
        }
        if (e instanceof DfuTimeoutException) {
            return RetryReason.TIMEOUT;
        }
        if (e instanceof ProtocolViolationException) {
            return RetryReason.GARBLED;
        }
        if (e instanceof RemoteErrorException r) {
            if (r.result() == ResultCode.OPERATION_FAILED) {
                return RetryReason.OPERATION_FAILED;
            }
            if (BootloaderQuirks.isStateLoss(r)) {
                return RetryReason.DEVICE_STATE;
            }
            if (BootloaderQuirks.answersAGarbledRequest(r)) {
                return RetryReason.GARBLED;
            }
        }
        return null;
    }

    /** A fault retried with a new connection, or {@code null} when {@code e} is a verdict. */
    static RetryReason reconnectFault(Throwable e) {
        if (e instanceof Escalation x) {
            return x.reason;
        }
        if (e instanceof TransportClosedException) {
            return RetryReason.CONNECTION_LOST;
        }
        return lineFault(e, false);
    }

    /** The typed error behind {@code e}. */
    static DfuException cause(Throwable e) {
        if (e instanceof Escalation x) {
            return x.cause;
        }
        return (DfuException) e;
    }

    /**
     * Whether this fault means frames were lost behind a stream of writes, so the window should narrow: a PRN or
     * CRC mismatch, a missing notification, or no answer to the CRC request that follows the writes (a device whose
     * RX buffers overflowed drops it too).
     */
    static boolean lostWrites(RetryReason reason, DfuException cause) {
        return reason == RetryReason.PRN_MISMATCH || reason == RetryReason.CRC_MISMATCH
                || (cause instanceof DfuTimeoutException t
                        && (t.opCode() == OpCode.WRITE || t.opCode() == OpCode.CRC_GET));
    }

    /** The result tag of a failed update for metrics: the error type in snake case, without "exception". */
    static String resultTag(DfuException e) {
        String name = e.getClass().getSimpleName().replace("Exception", "");
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.reactivedfu.error;

/**
 * Every failure of this library: one sealed, unchecked family. Each type carries what happened and what the user
 * can do ({@link #advice()}). Whether the engine tries a step again is not a property of the error but of where it
 * happened (a CRC mismatch is retried while streaming, a timeout of the final EXECUTE is not): the engine's fault
 * classifier decides it in one place, and what reaches a subscriber of {@code DfuClient.update} is final.
 */
public abstract sealed class DfuException extends RuntimeException
        permits RemoteErrorException, DfuTimeoutException, CrcMismatchException, ProtocolViolationException,
        TransportClosedException, PackageException, RetriesExhaustedException, DeviceUnresponsiveException,
        DeviceClaimException, WrongBoardException {

    protected DfuException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What a station operator can do about it, in one sentence. */
    public abstract String advice();
}

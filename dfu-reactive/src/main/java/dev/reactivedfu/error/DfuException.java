package dev.reactivedfu.error;

/**
 * Every failure of this library: one sealed, unchecked family. Each type says whether trying again can help
 * ({@link #isRetryable()}), so retries are written once as
 * {@code Retry.backoff(...).filter(DfuException::isRetryable)}.
 */
public abstract sealed class DfuException extends RuntimeException
        permits RemoteErrorException, DfuTimeoutException, CrcMismatchException, ProtocolViolationException,
        TransportClosedException, PackageException, RetriesExhaustedException, DeviceUnresponsiveException {

    protected DfuException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same step may succeed when tried again (a line fault), as opposed to a verdict. */
    public abstract boolean isRetryable();

    /** What a station operator can do about it, in one sentence. */
    public abstract String advice();
}

package dev.reactivedfu.station.records;

/** The records database cannot be opened, migrated, written or read; the message says which and what to do. */
public final class RecordStoreException extends RuntimeException {

    private final String advice;

    public RecordStoreException(String message, String advice, Throwable cause) {
        super(message, cause);
        this.advice = advice;
    }

    /** What the user can do about it. */
    public String advice() {
        return advice;
    }
}

package dev.reactivedfu.station.records;

import java.util.Locale;

/** How an update attempt ended, as stored in {@code board_record.result}. */
public enum AttemptResult {
    /** Started and not ended yet (or the station died: see {@link #INTERRUPTED}). */
    RUNNING,
    /** Every image was accepted by the board. */
    PASSED,
    /** The update failed with a typed error (kept in the row). */
    FAILED,
    /** Stopped by the operator (Ctrl-C) or found unfinished when the station started again after dying. */
    INTERRUPTED;

    /** The stored (and JSON) spelling: lower case. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The result for a stored spelling; errors with {@link IllegalArgumentException} naming the allowed ones. */
    public static AttemptResult ofTag(String tag) {
        for (AttemptResult r : values()) {
            if (r.tag().equalsIgnoreCase(tag.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown result '" + tag + "': use running, passed, failed or interrupted");
    }
}

package dev.reactivedfu.station;

import java.util.Locale;

/**
 * Where a socket is in its cycle: idle until a board arrives, probing once its bootloader answered (and while it
 * waits for a free update slot), updating, passed or failed, then waiting for the board to leave before it takes the
 * next one. Interrupted when the station stopped during an update.
 */
public enum SocketState {
    IDLE,
    PROBING,
    UPDATING,
    PASSED,
    FAILED,
    WAITING_FOR_LEAVE,
    INTERRUPTED;

    /** The JSON spelling: {@code idle}, {@code waiting_for_leave}, ... */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}

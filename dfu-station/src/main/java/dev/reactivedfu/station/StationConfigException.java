package dev.reactivedfu.station;

/** The station's configuration (file or options) is invalid; the message names what and where, and what to do. */
public final class StationConfigException extends RuntimeException {

    public StationConfigException(String message) {
        super(message);
    }
}

package dev.reactivedfu.station.web;

/** The web server could not start; the message says why and what to do (another port, another address). */
public final class WebServerException extends RuntimeException {

    public WebServerException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.reactivedfu.netty.transport;

import dev.reactivedfu.netty.slip.SlipFrameDecoder;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a serial transport needs to know about its port.
 *
 * @param port           which port: a path, or a USB serial number
 * @param settings       line settings
 * @param reset          the reset sequence {@code pulseReset()} plays; empty (the default) when the board has no
 *                       reset wiring
 * @param portWait       how long {@code open()} waits for the port to (re)appear, after a reset or USB
 *                       re-enumeration; zero (the default) opens at once or fails
 * @param portPoll       how often the port's presence is checked while waiting
 * @param maxFrameLength largest inbound frame accepted, in unescaped bytes
 */
public record SerialTransportOptions(PortSelector port, SerialSettings settings, Optional<ResetSequence> reset,
                                     Duration portWait, Duration portPoll, int maxFrameLength) {

    public SerialTransportOptions {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(reset, "reset");
        Objects.requireNonNull(portWait, "portWait");
        Objects.requireNonNull(portPoll, "portPoll");
        if (portWait.isNegative()) {
            throw new IllegalArgumentException("portWait must not be negative, was " + portWait);
        }
        if (portPoll.isNegative() || portPoll.isZero()) {
            throw new IllegalArgumentException("portPoll must be positive, was " + portPoll);
        }
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("maxFrameLength must be positive, was " + maxFrameLength);
        }
    }

    /** The port at {@code path} with default settings, no reset wiring, no waiting. */
    public static SerialTransportOptions of(String path) {
        return of(PortSelector.path(path));
    }

    /** The selected port with default settings, no reset wiring, no waiting. */
    public static SerialTransportOptions of(PortSelector port) {
        return new SerialTransportOptions(port, SerialSettings.defaults(), Optional.empty(), Duration.ZERO,
                Duration.ofMillis(100), SlipFrameDecoder.DEFAULT_MAX_FRAME_LENGTH);
    }

    /** These options with other line settings. */
    public SerialTransportOptions withSettings(SerialSettings settings) {
        return new SerialTransportOptions(port, settings, reset, portWait, portPoll, maxFrameLength);
    }

    /** These options with a reset sequence for {@code pulseReset()}. */
    public SerialTransportOptions withReset(ResetSequence reset) {
        return new SerialTransportOptions(port, settings, Optional.of(reset), portWait, portPoll, maxFrameLength);
    }

    /** These options waiting up to {@code wait} for the port to appear, checking every {@code poll}. */
    public SerialTransportOptions withPortWait(Duration wait, Duration poll) {
        return new SerialTransportOptions(port, settings, reset, wait, poll, maxFrameLength);
    }

    /** These options with another largest inbound frame. */
    public SerialTransportOptions withMaxFrameLength(int maxFrameLength) {
        return new SerialTransportOptions(port, settings, reset, portWait, portPoll, maxFrameLength);
    }
}

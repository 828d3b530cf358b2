package dev.reactivedfu.station;

import dev.reactivedfu.error.DfuException;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.BoardRecord;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.UpdateSummary;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One update attempt as it goes: its row, what the engine reported so far, and how it ended. Written by the socket's
 * update (one thread at a time, in event order); read by snapshots from any thread, hence the volatile fields.
 */
final class Attempt {

    private final StationSocket socket;
    private volatile BoardRecord record;
    private volatile Optional<String> hardware = Optional.empty();
    private volatile Optional<String> firmware = Optional.empty();
    private volatile long bytes;
    private volatile long total;
    private volatile long bytesSent;
    private volatile long bytesResent;
    private volatile int retries;
    private volatile Optional<DfuException> failure = Optional.empty();

    Attempt(StationSocket socket, BoardRecord started) {
        this.socket = socket;
        this.record = started;
    }

    StationSocket socket() {
        return socket;
    }

    BoardRecord record() {
        return record;
    }

    long bytes() {
        return bytes;
    }

    long total() {
        return total;
    }

    /** Takes what the record needs from an engine event. */
    void observe(DfuEvent event) {
        if (event instanceof DfuEvent.DeviceInfo d) {
            hardware = d.hardware().map(Attempt::hardwareText);
            if (!d.firmware().isEmpty()) {
                firmware = Optional.of(d.firmware().stream().map(Attempt::firmwareText)
                        .collect(Collectors.joining("; ")));
            }
        } else if (event instanceof DfuEvent.Progress p) {
            bytes = p.bytes();
            total = p.total();
        } else if (event instanceof DfuEvent.ObjectRetried) {
            retries++;
        } else if (event instanceof DfuEvent.UpdateDone u) {
            count(u.summary());
        } else if (event instanceof DfuEvent.Failed f) {
            count(f.summary());
            failure = Optional.of(f.cause());
        }
    }

    private void count(UpdateSummary s) {
        bytesSent = s.bytesSent();
        bytesResent = s.bytesResent();
        retries = s.retries();
    }

    /** The attempt ended: passed when the engine completed, failed with {@code error} otherwise. */
    BoardRecord end(Instant at, Optional<Throwable> error) {
        if (error.isEmpty()) {
            record = record.completed(at, AttemptResult.PASSED, hardware, firmware, Optional.empty(),
                    Optional.empty(), Optional.empty(), bytesSent, bytesResent, retries);
        } else {
            Throwable t = error.get();
            String advice = t instanceof DfuException d ? d.advice()
                    : "this is a bug in the station: please report it with the station's log";
            record = record.completed(at, AttemptResult.FAILED, hardware, firmware,
                    Optional.of(t.getClass().getSimpleName()), Optional.of(oneLine(t)), Optional.of(advice),
                    bytesSent, bytesResent, retries);
        }
        return record;
    }

    /** The station stopped during the attempt (Ctrl-C). */
    BoardRecord interrupt(Instant at) {
        record = record.completed(at, AttemptResult.INTERRUPTED, hardware, firmware, Optional.empty(),
                Optional.of("stopped by the operator during this update"),
                Optional.of("the board keeps its verified progress: put it back and the next update resumes it"),
                bytesSent, bytesResent, retries);
        return record;
    }

    /** The attempt's end as an event. */
    StationEvent.BoardDone done() {
        BoardRecord r = record;
        return new StationEvent.BoardDone(socket.name(), socket.port(), r.board(), r.result(), r.error(),
                r.errorType(), r.advice(), Duration.ofMillis(r.durationMs().orElse(0L)), r.bytesSent(), r.retries());
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String hardwareText(DfuResponse.HardwareVersion h) {
        return String.format("part %X variant %d rom %d ram %d page %d", h.part(), h.variant(), h.romSize(),
                h.ramSize(), h.romPageSize());
    }

    private static String firmwareText(DfuResponse.FirmwareVersion f) {
        String type = switch (f.type()) {
            case 0 -> "softdevice";
            case 1 -> "application";
            case 2 -> "bootloader";
            case 0xFF -> "none";
            default -> "type " + f.type();
        };
        return String.format("%s v%d at 0x%X len %d", type, f.version(), f.address(), f.length());
    }
}

package dev.reactivedfu.station.records;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One update attempt on one board, as a row of {@code board_record}.
 *
 * @param id             a random UUID
 * @param station        the station's name
 * @param socket         the socket's name
 * @param port           the port path (or simulator name) the board was on
 * @param adapterSerial  the USB serial number of the port's adapter, when known
 * @param board          the board's identity within its socket (USB serial number, or socket and arrival number)
 * @param startedAt      when the attempt started
 * @param endedAt        when it ended; empty while running
 * @param packageFile    the package's file name
 * @param packageSha256  SHA-256 of the package file, lower-case hex
 * @param hardwareBefore what the bootloader reported to HW VERSION (0x0A) before the update, when it answered
 * @param firmwareBefore what it reported to FW VERSION (0x0B) for each image, when it answered
 * @param result         how it ended
 * @param errorType      the typed error's simple class name, for a failure
 * @param error          the error's one-line message
 * @param advice         what to do about it
 * @param bytesSent      object bytes sent, re-sends included
 * @param bytesResent    of those, bytes sent again
 * @param retries        retries of every kind
 * @param durationMs     the attempt's duration; empty while running
 * @param resumes        the id of the interrupted attempt on the same socket this one continued, if any
 */
public record BoardRecord(String id, String station, String socket, String port, Optional<String> adapterSerial,
                          Optional<String> board, Instant startedAt, Optional<Instant> endedAt, String packageFile,
                          String packageSha256, Optional<String> hardwareBefore, Optional<String> firmwareBefore,
                          AttemptResult result, Optional<String> errorType, Optional<String> error,
                          Optional<String> advice, long bytesSent, long bytesResent, int retries,
                          Optional<Long> durationMs, Optional<String> resumes) {

    public BoardRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(station, "station");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(packageFile, "packageFile");
        Objects.requireNonNull(packageSha256, "packageSha256");
        Objects.requireNonNull(result, "result");
    }

    /** A row for an attempt that starts now: result {@link AttemptResult#RUNNING}, nothing counted yet. */
    public static BoardRecord started(String id, String station, String socket, String port,
                                      Optional<String> adapterSerial, Optional<String> board, Instant startedAt,
                                      String packageFile, String packageSha256, Optional<String> resumes) {
        return new BoardRecord(id, station, socket, port, adapterSerial, board, startedAt, Optional.empty(),
                packageFile, packageSha256, Optional.empty(), Optional.empty(), AttemptResult.RUNNING,
                Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, 0, Optional.empty(), resumes);
    }

    /**
     * This row completed: ended at {@code endedAt} with {@code result}, the error fields and the counts as given.
     */
    public BoardRecord completed(Instant endedAt, AttemptResult result, Optional<String> hardwareBefore,
                                 Optional<String> firmwareBefore, Optional<String> errorType, Optional<String> error,
                                 Optional<String> advice, long bytesSent, long bytesResent, int retries) {
        long ms = Math.max(0, endedAt.toEpochMilli() - startedAt.toEpochMilli());
        return new BoardRecord(id, station, socket, port, adapterSerial, board, startedAt, Optional.of(endedAt),
                packageFile, packageSha256, hardwareBefore, firmwareBefore, result, errorType, error, advice,
                bytesSent, bytesResent, retries, Optional.of(ms), resumes);
    }
}

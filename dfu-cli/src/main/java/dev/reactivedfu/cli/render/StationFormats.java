package dev.reactivedfu.cli.render;

import dev.reactivedfu.station.Station;
import dev.reactivedfu.station.StationEvent;
import dev.reactivedfu.station.records.AttemptResult;

import java.util.Locale;

/** Text the station's views share. */
final class StationFormats {

    private StationFormats() {
    }

    /** {@code passed 14  failed 2  running 0  312.5 boards/h  mean 3.2 s/board} */
    static String summary(StationEvent.Summary s) {
        return String.format(Locale.ROOT, "passed %d  failed %d  running %d  %.1f boards/h  mean %.1f s/board",
                s.passed(), s.failed(), s.running(), s.boardsPerHour(), s.meanSecondsPerBoard());
    }

    /** The end of a {@code --once} run: the count, then one line per board that did not pass. */
    static String outcome(Station.StationOutcome outcome) {
        long passed = outcome.boards().stream().filter(b -> b.result() == AttemptResult.PASSED).count();
        StringBuilder sb = new StringBuilder();
        if (outcome.boards().isEmpty()) {
            sb.append("no board answered on any socket: check that the boards are in their bootloader");
            return sb.toString();
        }
        sb.append(String.format("%d of %d board(s) passed", passed, outcome.boards().size()));
        for (StationEvent.BoardDone b : outcome.boards()) {
            if (b.result() != AttemptResult.PASSED) {
                sb.append(String.format("%n  %s %s: %s: %s%s", b.socket(), b.port(), b.result().tag(),
                        b.error().orElse("?"), b.advice().map(a -> " (" + a + ")").orElse("")));
            }
        }
        return sb.toString();
    }
}

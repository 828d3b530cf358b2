package dev.reactivedfu.station;

import dev.reactivedfu.simulator.Fault;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.BoardRecord;
import dev.reactivedfu.station.records.RecordQuery;
import dev.reactivedfu.station.records.RecordStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A station of 16 simulated boards, some faulty, run once; the same test against each records database. Boards 11
 * and 12 reset mid-image, 13 stalls, 14 is the wrong hardware (the package is refused), 15 is a USB CDC board pulled
 * out mid-update (its port vanishes), 16 keeps its progress in flash, resets and comes back with a stale copy of it.
 */
abstract class SixteenBoardsContract {

    /** A fresh, empty records database. */
    abstract String jdbcUrl();

    static SimulatedFloor.BoardSpec board(int socket) {
        SimulatorConfig.Builder c = SimulatorConfig.builder().publicKey(StationFixtures.KEY).seed(socket + 1);
        OptionalLong pull = OptionalLong.empty();
        switch (socket + 1) {
            case 11, 12 -> c.fault(new Fault.ResetAtOffset(8192 + 64L * socket));
            case 13 -> c.fault(new Fault.Stall(Duration.ofMillis(1500), 4096));
            case 14 -> c.hwVersion(51);
            case 15 -> {
                c.profile(SimulatorConfig.Profile.USB_CDC);
                pull = OptionalLong.of(8192);
            }
            case 16 -> c.progressInFlash(true).fault(new Fault.StaleProgress()).fault(new Fault.ResetAtOffset(12288));
            default -> { }
        }
        return new SimulatedFloor.BoardSpec(c.build(), pull);
    }

    @Test
    void every_good_board_holds_the_image_every_bad_one_its_typed_error_and_the_rows_say_so() {
        SimulatedFloor floor = SimulatedFloor.builder().sockets(16).boards((s, n) -> board(s)).boardsPerSocket(1)
                .presentAtStart(true).build();
        try (RecordStore store = RecordStore.open(jdbcUrl())) {
            Station station = Station.builder().name("bench-16").pkg(StationFixtures.APP_24K, "app_24k.zip",
                            StationFixtures.APP_24K_SHA256)
                    .options(StationFixtures.fastOptions()).sockets(floor.sockets()).once(true).records(store)
                    .companion(floor::operate).pollInterval(Duration.ofMillis(20)).build();

            Station.StationOutcome outcome = station.run().block(Duration.ofSeconds(120));

            assertThat(outcome).isNotNull();
            Map<String, StationEvent.BoardDone> done = outcome.boards().stream()
                    .collect(Collectors.toMap(StationEvent.BoardDone::socket, Function.identity()));
            assertThat(done).hasSize(16);
            assertThat(outcome.allPassed()).isFalse();
            for (SimulatedFloor.PlacedBoard b : floor.history()) {
                boolean bad = b.socket().equals("sim14") || b.socket().equals("sim15");
                if (bad) {
                    assertThat(done.get(b.socket()).result()).as(b.socket()).isEqualTo(AttemptResult.FAILED);
                    assertThat(b.device().application()).as(b.socket()).isEmpty();
                } else {
                    assertThat(done.get(b.socket()).result()).as(b.socket()).isEqualTo(AttemptResult.PASSED);
                    assertThat(b.device().application()).as(b.socket()).hasValueSatisfying(
                            app -> assertThat(app).isEqualTo(StationFixtures.application()));
                }
            }
            assertThat(done.get("sim14").errorType()).hasValue("RemoteErrorException");
            assertThat(done.get("sim14").error().orElseThrow()).contains("hardware version");
            assertThat(done.get("sim15").errorType().orElseThrow()).matches("RetriesExhaustedException|TransportClosedException");

            List<BoardRecord> rows = store.find(RecordQuery.all());
            assertThat(rows).hasSize(16);
            Map<String, BoardRecord> bySocket = rows.stream()
                    .collect(Collectors.toMap(BoardRecord::socket, Function.identity()));
            for (int i = 1; i <= 16; i++) {
                String socket = String.format("sim%02d", i);
                BoardRecord r = bySocket.get(socket);
                StationEvent.BoardDone d = done.get(socket);
                assertThat(r.station()).isEqualTo("bench-16");
                assertThat(r.port()).isEqualTo("simulated:" + socket);
                assertThat(r.packageFile()).isEqualTo("app_24k.zip");
                assertThat(r.packageSha256()).isEqualTo(StationFixtures.APP_24K_SHA256);
                assertThat(r.result()).as(socket).isEqualTo(d.result());
                assertThat(r.errorType()).as(socket).isEqualTo(d.errorType());
                assertThat(r.error()).as(socket).isEqualTo(d.error());
                assertThat(r.advice()).as(socket).isEqualTo(d.advice());
                assertThat(r.endedAt()).as(socket).isPresent();
                assertThat(r.durationMs()).as(socket).isPresent();
                assertThat(r.bytesSent()).as(socket).isEqualTo(d.bytesSent());
                assertThat(r.retries()).as(socket).isEqualTo(d.retries());
                assertThat(r.hardwareBefore()).as(socket).hasValueSatisfying(h -> assertThat(h).contains("part 52840"));
                if (r.result() == AttemptResult.PASSED) {
                    assertThat(r.bytesSent()).as(socket).isGreaterThanOrEqualTo(StationFixtures.application().length);
                    assertThat(r.errorType()).as(socket).isEmpty();
                }
            }
            assertThat(bySocket.get("sim11").retries()).isPositive();
            assertThat(bySocket.get("sim13").retries()).isPositive();
            assertThat(bySocket.get("sim14").advice()).isPresent();
        } finally {
            floor.dispose();
        }
    }
}

package dev.reactivedfu.station;

import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.BoardRecord;
import dev.reactivedfu.station.records.RecordQuery;
import dev.reactivedfu.station.records.RecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The default watch mode: boards arrive over time, each is updated once, and a stop interrupts what is running. */
class WatchModeTest {

    @TempDir
    Path dir;

    @Test
    void watch_mode_takes_boards_that_arrive_later_and_never_updates_one_twice() {
        // a board that comes back in DFU mode after its update keeps answering pings: the socket must wait for it
        // to be taken out instead of updating it again
        SimulatedFloor floor = SimulatedFloor.builder().sockets(3)
                .boards((s, n) -> SimulatedFloor.BoardSpec.of(SimulatorConfig.builder().publicKey(StationFixtures.KEY)
                        .stayInDfu(s == 0).seed(s * 10 + n).build()))
                .boardsPerSocket(3).swapDelay(Duration.ofMillis(300)).arrivalStagger(Duration.ofMillis(200))
                .build();
        List<StationEvent> events = new CopyOnWriteArrayList<>();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().pkg(StationFixtures.APP_24K, "app_24k.zip", "sha")
                    .options(StationFixtures.fastOptions()).sockets(floor.sockets()).records(store)
                    .companion(floor::operate).pollInterval(Duration.ofMillis(20)).build();
            Disposable log = station.events().subscribe(events::add);
            Disposable running = station.run().subscribe();
            try {
                station.events().filter(e -> e instanceof StationEvent.BoardDone).take(9).blockLast(Duration.ofSeconds(90));
            } finally {
                running.dispose();
                log.dispose();
            }

            assertThat(floor.history()).hasSize(9);
            for (SimulatedFloor.PlacedBoard b : floor.history()) {
                assertThat(b.device().application()).as(b.socket() + " board " + b.number())
                        .hasValueSatisfying(app -> assertThat(app).isEqualTo(StationFixtures.application()));
                assertThat(b.device().counters().commandCreates()).as("one update per board").isEqualTo(1);
            }
            List<BoardRecord> rows = store.find(RecordQuery.all());
            assertThat(rows).hasSize(9).allSatisfy(r -> assertThat(r.result()).isEqualTo(AttemptResult.PASSED));
            Map<String, Long> perBoard = rows.stream().collect(Collectors.groupingBy(r -> r.board().orElseThrow(),
                    Collectors.counting()));
            assertThat(perBoard).hasSize(9).allSatisfy((board, n) -> assertThat(n).as(board).isEqualTo(1));
            assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                    StationEvent.SocketStateChanged.class, s -> assertThat(s.state())
                            .isEqualTo(SocketState.WAITING_FOR_LEAVE)));
        } finally {
            floor.dispose();
        }
    }

    @Test
    void stopping_mid_update_completes_the_rows_as_interrupted_and_reports_what_was_in_progress() {
        SimulatedFloor floor = SimulatedFloor.builder().sockets(2)
                .boards((s, n) -> SimulatedFloor.BoardSpec.of(SimulatorConfig.builder().publicKey(StationFixtures.KEY)
                        .baud(115_200).build()))
                .boardsPerSocket(1).presentAtStart(true).build();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().pkg(StationFixtures.APP_24K, "app_24k.zip", "sha")
                    .options(StationFixtures.fastOptions()).sockets(floor.sockets()).records(store)
                    .pollInterval(Duration.ofMillis(20)).build();
            Disposable running = station.run().subscribe();
            station.events().filter(e -> e instanceof StationEvent.Engine en
                            && en.event() instanceof dev.reactivedfu.transfer.DfuEvent.Progress p && p.bytes() >= 4096)
                    .take(2).blockLast(Duration.ofSeconds(60));
            List<Station.InProgress> inProgress = station.inProgress();
            running.dispose();
            station.recordsWritten().block(Duration.ofSeconds(10));

            assertThat(inProgress).hasSize(2).allSatisfy(p -> assertThat(p.bytes()).isPositive());
            List<BoardRecord> rows = store.find(RecordQuery.all());
            assertThat(rows).hasSize(2).allSatisfy(r -> {
                assertThat(r.result()).isEqualTo(AttemptResult.INTERRUPTED);
                assertThat(r.endedAt()).isPresent();
                assertThat(r.advice().orElseThrow()).contains("resumes");
            });
        } finally {
            floor.dispose();
        }
    }
}

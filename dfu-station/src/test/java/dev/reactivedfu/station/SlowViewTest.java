package dev.reactivedfu.station;

import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.RecordStore;
import dev.reactivedfu.transfer.DfuEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A view that stops reading (a JSON pipe nobody drains, a frozen terminal): the station goes on at full speed, the
 * view's backlog stays bounded (its progress coalesced), and when it reads again it gets every result.
 */
class SlowViewTest {

    @TempDir
    Path dir;

    /** Subscribes and requests nothing until told to. */
    static final class Stalled extends BaseSubscriber<StationEvent> {
        final List<StationEvent> got = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no request: the view is stuck
        }

        @Override
        protected void hookOnNext(StationEvent value) {
            got.add(value);
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            error.set(throwable);
        }
    }

    private SimulatedFloor floor() {
        return SimulatedFloor.builder().sockets(4).boardsPerSocket(1).presentAtStart(true)
                .boards((s, n) -> SimulatedFloor.BoardSpec.of(SimulatorConfig.builder()
                        .publicKey(StationFixtures.KEY).seed(40 + s).build()))
                .build();
    }

    @Test
    void a_view_that_never_requests_neither_holds_the_station_back_nor_grows_without_bound() {
        SimulatedFloor floor = floor();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().pkg(StationFixtures.APP_24K, "app_24k.zip", "sha")
                    .options(StationFixtures.fastOptions()).sockets(floor.sockets()).records(store).once(true)
                    .build();
            List<StationEvent> all = new CopyOnWriteArrayList<>();
            Disposable fast = station.events().subscribe(all::add);
            Stalled stalled = station.events().subscribeWith(new Stalled());

            Station.StationOutcome outcome = station.run().block(Duration.ofSeconds(60));

            assertThat(outcome.allPassed()).as("the station finished every board while a view read nothing").isTrue();
            assertThat(outcome.boards()).hasSize(4);
            long progress = all.stream().filter(SlowViewTest::isProgress).count();
            long kept = all.stream().filter(e -> !isProgress(e) && !(e instanceof StationEvent.Summary)).count();
            EventLane lane = station.lanes().stream().filter(l -> l.backlog() > 0).findFirst().orElseThrow();
            assertThat(progress).as("the engine reports progress per write").isGreaterThan(100);
            assertThat((long) lane.backlog()).as("waiting: the events that may not be dropped, one progress per "
                    + "socket and step, one summary").isLessThanOrEqualTo(2 * kept + 1);
            assertThat(lane.coalesced()).isGreaterThan(progress / 2);
            assertThat(stalled.got).isEmpty();

            stalled.requestUnbounded();

            assertThat(stalled.error.get()).isNull();
            assertThat(stalled.got.stream().filter(e -> e instanceof StationEvent.BoardDone)
                    .map(e -> ((StationEvent.BoardDone) e).result()))
                    .as("every result, none dropped").containsExactly(AttemptResult.PASSED, AttemptResult.PASSED,
                            AttemptResult.PASSED, AttemptResult.PASSED);
            assertThat(stalled.got.stream().filter(e -> !isProgress(e) && !(e instanceof StationEvent.Summary)))
                    .as("every other event, in order").containsExactlyElementsOf(all.stream()
                            .filter(e -> !isProgress(e) && !(e instanceof StationEvent.Summary)).toList());
            Map<String, List<DfuEvent.Progress>> bySocket = stalled.got.stream().filter(SlowViewTest::isProgress)
                    .map(e -> (StationEvent.Engine) e)
                    .collect(Collectors.groupingBy(StationEvent.Engine::socket,
                            Collectors.mapping(e -> (DfuEvent.Progress) e.event(), Collectors.toList())));
            assertThat(bySocket).hasSize(4).allSatisfy((socket, ps) -> {
                DfuEvent.Progress last = ps.get(ps.size() - 1);
                assertThat(last.bytes()).as(socket + ": its last progress is the whole image").isEqualTo(last.total());
            });
            assertThat(stalled.got.stream().filter(SlowViewTest::isProgress).count()).isLessThan(progress / 2);
            fast.dispose();
            stalled.dispose();
        } finally {
            floor.dispose();
        }
    }

    @Test
    void a_view_a_whole_backlog_behind_is_stopped_with_an_overflow_and_never_loses_a_result_silently() {
        SimulatedFloor floor = floor();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().pkg(StationFixtures.APP_24K, "app_24k.zip", "sha")
                    .options(StationFixtures.fastOptions()).sockets(floor.sockets()).records(store).once(true)
                    .eventBacklog(8).build();
            Stalled stalled = station.events().subscribeWith(new Stalled());

            Station.StationOutcome outcome = station.run().block(Duration.ofSeconds(60));

            assertThat(outcome.allPassed()).isTrue();
            assertThat(stalled.error.get()).isNotNull().satisfies(e -> assertThat(Exceptions.isOverflow(e)).isTrue())
                    .hasMessageContaining("fell 8 events behind");
            assertThat(stalled.got).isEmpty();
            assertThat(station.lanes()).as("its backlog is freed").isEmpty();
        } finally {
            floor.dispose();
        }
    }

    private static boolean isProgress(StationEvent e) {
        return e instanceof StationEvent.Engine en && en.event() instanceof DfuEvent.Progress;
    }
}

package dev.reactivedfu.station;

import dev.reactivedfu.archive.FirmwareImage;
import dev.reactivedfu.simulator.SimulatedDevice;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.station.records.AttemptResult;
import dev.reactivedfu.station.records.BoardRecord;
import dev.reactivedfu.station.records.RecordQuery;
import dev.reactivedfu.station.records.RecordStore;
import dev.reactivedfu.transfer.DfuEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Native USB CDC boards: the port is the board's. A socket given by USB serial number is idle until the board's port
 * appears, follows the board when it re-enumerates under another path between the SD+BL image and the application,
 * and never disturbs the UART sockets beside it.
 */
class UsbCdcArrivalTest {

    private static final String SERIAL = "E1A2B3C4D5E6";

    @TempDir
    Path dir;

    private static SimulatedDevice usbBoard(long seed) {
        return SimulatedDevice.create(SimulatorConfig.builder().publicKey(StationFixtures.KEY)
                .profile(SimulatorConfig.Profile.USB_CDC).seed(seed).build(), Schedulers.parallel());
    }

    @Test
    void a_usb_cdc_board_that_re_enumerates_between_images_is_followed_by_its_serial_number() {
        SimulatedUsbBus bus = new SimulatedUsbBus(Duration.ofMillis(300), Schedulers.parallel());
        SimulatedFloor floor = SimulatedFloor.builder().sockets(2).boardsPerSocket(1).presentAtStart(true)
                .boards((s, n) -> SimulatedFloor.BoardSpec.of(SimulatorConfig.builder()
                        .publicKey(StationFixtures.KEY).seed(70 + s).build()))
                .build();
        SimulatedDevice board = usbBoard(77);
        List<StationEvent> events = new CopyOnWriteArrayList<>();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            List<StationSocket> sockets = new java.util.ArrayList<>(floor.sockets());
            sockets.add(bus.bySerial("cdc1", SERIAL));
            Station station = Station.builder().pkg(StationFixtures.SD_BL_APP_24K, "sd_bl_app_24k.zip", "sha")
                    .options(StationFixtures.fastOptions()).sockets(sockets).records(store)
                    .pollInterval(Duration.ofMillis(20)).build();
            Disposable log = station.events().subscribe(events::add);
            Disposable running = station.run().subscribe();
            try {
                // the two UART boards finish while the USB socket has no port at all
                station.events().filter(e -> e instanceof StationEvent.BoardDone).take(2)
                        .blockLast(Duration.ofSeconds(60));
                assertThat(events).filteredOn(e -> e instanceof StationEvent.SocketStateChanged s
                        && s.socket().equals("cdc1")).extracting(e -> ((StationEvent.SocketStateChanged) e).state())
                        .as("no port yet: idle, never updating").doesNotContain(SocketState.UPDATING);

                Mono<StationEvent.BoardDone> done = station.events()
                        .filter(e -> e instanceof StationEvent.BoardDone d && d.socket().equals("cdc1"))
                        .cast(StationEvent.BoardDone.class).next().cache();
                done.subscribe();
                Mono<StationEvent> idleAfter = station.events()
                        .skipUntil(e -> e instanceof StationEvent.BoardDone d && d.socket().equals("cdc1"))
                        .filter(e -> e instanceof StationEvent.SocketStateChanged s && s.socket().equals("cdc1")
                                && s.state() == SocketState.IDLE).next().cache();
                idleAfter.subscribe();
                bus.plug(SERIAL, board);
                String firstPath = bus.pathOf(SERIAL).orElseThrow();
                StationEvent.BoardDone result = done.block(Duration.ofSeconds(60));

                assertThat(result.result()).as(result.error().orElse("")).isEqualTo(AttemptResult.PASSED);
                assertThat(bus.pathsOf(SERIAL)).as("the port came back under another path after the SD+BL image")
                        .hasSizeGreaterThanOrEqualTo(2).doesNotHaveDuplicates().startsWith(firstPath);

                // after the update the board runs its application (its bootloader no longer answers: it has left)
                // and the socket is idle again, without a second attempt; pulled out, its port vanishes
                assertThat(idleAfter.block(Duration.ofSeconds(30))).isNotNull();
                bus.unplug(SERIAL);
                assertThat(bus.pathOf(SERIAL)).isEmpty();
            } finally {
                running.dispose();
                log.dispose();
            }

            FirmwareImage app = StationFixtures.SD_BL_APP_24K.images().get(1);
            assertThat(board.application()).as("the application, after the SD+BL image")
                    .hasValueSatisfying(a -> assertThat(a).isEqualTo(app.firmware()));
            assertThat(events).filteredOn(e -> e instanceof StationEvent.Engine en && en.socket().equals("cdc1")
                    && en.event() instanceof DfuEvent.ImageDone).as("both images, on one attempt").hasSize(2);
            assertThat(events).filteredOn(e -> e instanceof StationEvent.Engine en && en.socket().equals("cdc1")
                    && en.event() instanceof DfuEvent.Connected).as("connected again on the new port").hasSizeGreaterThanOrEqualTo(2);
            List<BoardRecord> rows = store.find(RecordQuery.all());
            assertThat(rows).filteredOn(r -> r.socket().equals("cdc1")).as("one row for the USB board").singleElement()
                    .satisfies(r -> {
                        assertThat(r.result()).isEqualTo(AttemptResult.PASSED);
                        assertThat(r.adapterSerial()).contains(SERIAL);
                    });
            assertThat(rows).filteredOn(r -> !r.socket().equals("cdc1")).as("the UART sockets, undisturbed")
                    .hasSize(2).allSatisfy(r -> {
                        assertThat(r.result()).isEqualTo(AttemptResult.PASSED);
                        assertThat(r.retries()).isZero();
                    });
            for (StationSocket s : floor.sockets()) {
                assertThat(floor.current(s.name()).orElseThrow().device().application()).as(s.name())
                        .hasValueSatisfying(a -> assertThat(a).isEqualTo(app.firmware()));
            }
        } finally {
            floor.dispose();
            board.dispose();
        }
    }

    @Test
    void a_socket_found_while_the_station_watches_updates_the_board_that_appears_on_it_once() {
        SimulatedUsbBus bus = new SimulatedUsbBus(Duration.ofMillis(100), Schedulers.parallel());
        SimulatedFloor floor = SimulatedFloor.builder().sockets(1).boardsPerSocket(1).presentAtStart(true)
                .boards((s, n) -> SimulatedFloor.BoardSpec.of(SimulatorConfig.builder()
                        .publicKey(StationFixtures.KEY).seed(90).build()))
                .build();
        SimulatedDevice board = usbBoard(91);
        Sinks.Many<StationSocket> found = Sinks.many().unicast().onBackpressureBuffer();
        try (RecordStore store = RecordStore.open("jdbc:sqlite:" + dir.resolve("station.db"))) {
            Station station = Station.builder().pkg(StationFixtures.APP_24K, "app_24k.zip", "sha")
                    .options(StationFixtures.fastOptions()).sockets(floor.sockets()).records(store)
                    .discover(found.asFlux()).pollInterval(Duration.ofMillis(20)).build();
            Disposable running = station.run().subscribe();
            try {
                station.events().filter(e -> e instanceof StationEvent.BoardDone).blockFirst(Duration.ofSeconds(60));
                Mono<StationEvent.BoardDone> done = station.events()
                        .filter(e -> e instanceof StationEvent.BoardDone d && d.socket().equals("late"))
                        .cast(StationEvent.BoardDone.class).next().cache();
                done.subscribe();
                // a port appears (found by the watcher twice: the second is the same socket and is ignored)
                found.tryEmitNext(bus.bySerial("late", SERIAL));
                found.tryEmitNext(bus.bySerial("late", SERIAL));
                bus.plug(SERIAL, board);

                assertThat(done.block(Duration.ofSeconds(60)).result()).isEqualTo(AttemptResult.PASSED);
                assertThat(station.sockets()).extracting(StationSocket::name).containsExactly("sim1", "late");
            } finally {
                running.dispose();
            }
            assertThat(board.application()).hasValueSatisfying(a -> assertThat(a)
                    .isEqualTo(StationFixtures.application()));
            assertThat(board.counters().commandCreates()).as("updated once").isEqualTo(1);
            assertThat(store.find(RecordQuery.all())).filteredOn(r -> r.socket().equals("late")).hasSize(1);
        } finally {
            floor.dispose();
            board.dispose();
        }
    }
}

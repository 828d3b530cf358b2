package dev.reactivedfu.station;

import dev.reactivedfu.netty.transport.DfuEventLoops;
import dev.reactivedfu.netty.transport.SerialSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A glob in {@code station.yaml} while the station watches: a port that appears later (a native USB CDC board plugged
 * in, its {@code /dev/ttyACM*} or {@code /dev/serial/by-id} link created) becomes a socket of its own, once. Ports are
 * stood in for by files in a temporary directory: only their names are looked at here, nothing is opened.
 */
class SerialSocketsWatchTest {

    @TempDir
    Path dir;

    private final SerialSockets sockets = new SerialSockets(SerialSettings.defaults(), DfuEventLoops.shared(),
            Schedulers.parallel());

    private void appear(String name) {
        try {
            Files.createFile(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void a_glob_matching_nothing_yet_fails_for_once_and_is_fine_for_watching() {
        List<StationConfig.Socket> entries = List.of(new StationConfig.Socket("bench", dir + "/ttyACM*", null, null));

        assertThatThrownBy(() -> sockets.resolve(entries)).isInstanceOf(StationConfigException.class)
                .hasMessageContaining("no port matches");
        assertThat(sockets.resolve(entries, false)).isEmpty();
    }

    @Test
    void ports_that_appear_while_watching_become_sockets_once_each() {
        appear("ttyACM0");
        appear("other0");
        List<StationConfig.Socket> entries = List.of(new StationConfig.Socket("bench", dir + "/ttyACM*", null, null),
                new StationConfig.Socket("fixed", dir + "/fixed0", null, null));

        StepVerifier.create(sockets.watch(entries, Duration.ofMillis(20)))
                .assertNext(s -> {
                    assertThat(s.name()).isEqualTo("bench-ttyACM0");
                    assertThat(s.port()).isEqualTo(dir + "/ttyACM0");
                })
                .then(() -> appear("ttyACM1"))
                .assertNext(s -> assertThat(s.name()).isEqualTo("bench-ttyACM1"))
                .then(() -> appear("ttyACM2"))
                .assertNext(s -> assertThat(s.name()).as("never ttyACM0 or ttyACM1 again").isEqualTo("bench-ttyACM2"))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }
}

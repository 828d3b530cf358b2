package dev.reactivedfu.cli.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.archive.ImageKind;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.station.StationEvent;
import dev.reactivedfu.station.StationJson;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.RetryReason;
import dev.reactivedfu.transfer.UpdateSummary;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The station's JSON for engine events is {@code dfu flash --json}'s, with {@code socket} and {@code port} added. */
class StationJsonParityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_engine_event_is_printed_as_dfu_flash_prints_it_plus_socket_and_port() throws Exception {
        UpdateSummary summary = new UpdateSummary("p", 1, 24719, 143, 2, 7, Duration.ofMillis(1234));
        List<DfuEvent> events = List.of(
                new DfuEvent.Connected("/dev/ttyX", 1, 131, 64, 3, 1),
                new DfuEvent.DeviceInfo(OptionalInt.of(1),
                        Optional.of(new DfuResponse.HardwareVersion(0x52840, 0x41414430, 0x100000, 0x40000, 4096)),
                        List.of(new DfuResponse.FirmwareVersion(2, 1, 0xF8000, 0x6000))),
                new DfuEvent.DeviceSilent("/dev/ttyX", "pulsing reset", Duration.ofMillis(500)),
                new DfuEvent.ImageStarted(0, 1, ImageKind.APPLICATION, 143, 24576),
                new DfuEvent.ObjectCreated(ImageKind.APPLICATION, ObjectType.DATA, 2, 8192, 4096),
                new DfuEvent.ObjectResumed(ImageKind.APPLICATION, ObjectType.DATA, 2, 9000, "verified"),
                new DfuEvent.ObjectRetried(ImageKind.APPLICATION, ObjectType.DATA, 2, RetryReason.TIMEOUT, false, 1,
                        new DfuTimeoutException(OpCode.CRC_GET, Duration.ofSeconds(1))),
                new DfuEvent.ObjectExecuted(ImageKind.APPLICATION, ObjectType.DATA, 2, 12288),
                new DfuEvent.Progress(ImageKind.APPLICATION, 12288, 24576, 50.0, 8123.4),
                new DfuEvent.CrcVerified(ImageKind.APPLICATION, ObjectType.DATA, 12288, 0xDEADBEEFL),
                new DfuEvent.ImageDone(0, ImageKind.APPLICATION, Duration.ofMillis(3000)),
                new DfuEvent.UpdateDone(summary),
                new DfuEvent.Failed(new DfuTimeoutException(OpCode.EXECUTE, Duration.ofSeconds(10)), summary));
        for (DfuEvent e : events) {
            StringWriter flash = new StringWriter();
            new JsonLinesRenderer(new PrintWriter(flash, true)).onEvent(e);
            JsonNode expected = JSON.readTree(flash.toString());
            JsonNode station = JSON.readTree(StationJson.toJson(new StationEvent.Engine("s1", "/dev/ttyS1", e))
                    .orElseThrow());

            assertThat(station.get("socket").asText()).isEqualTo("s1");
            assertThat(station.get("port").asText()).isEqualTo("/dev/ttyS1");
            com.fasterxml.jackson.databind.node.ObjectNode rest = station.deepCopy();
            rest.remove("socket");
            rest.remove("port");
            com.fasterxml.jackson.databind.node.ObjectNode flashRest = expected.deepCopy();
            flashRest.remove("port");
            assertThat(rest).as(e.getClass().getSimpleName()).isEqualTo(flashRest);
        }
    }
}

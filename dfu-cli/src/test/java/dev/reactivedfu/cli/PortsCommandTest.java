package dev.reactivedfu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactivedfu.netty.serial.SerialPortInfo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dfu ports}, run in-process. */
class PortsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A Nordic nRF52840 DK (J-Link CDC) and a plain on-board UART. */
    private static final List<SerialPortInfo> PORTS = List.of(
            new SerialPortInfo("/dev/ttyACM0", "J-Link - CDC", OptionalInt.of(0x1366), OptionalInt.of(0x1051),
                    Optional.of("001050012345"), Optional.of("SEGGER"), Optional.of("1-2.1")),
            new SerialPortInfo("/dev/ttyS0", "Physical Port S0", OptionalInt.empty(), OptionalInt.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty()));



    private static CliRun ports(List<SerialPortInfo> ports, String... args) {
        return CliRun.run(new CommandLine(new PortsCommand(() -> ports)), args);
    }

    @Test
    void the_table_shows_path_usb_id_serial_number_and_description() {
        CliRun r = ports(PORTS);

        assertThat(r.exit()).isZero();
        assertThat(r.out().split("\n")).containsExactly(
                "PATH          USB ID     SERIAL NUMBER  DESCRIPTION",
                "/dev/ttyACM0  1366:1051  001050012345   J-Link - CDC (SEGGER)",
                "/dev/ttyS0    -          -              Physical Port S0");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void json_is_one_array_with_hex_ids_and_nulls_for_what_is_unknown() throws Exception {
        CliRun r = ports(PORTS, "--json");

        assertThat(r.exit()).isZero();
        JsonNode array = JSON.readTree(r.out());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        JsonNode dk = array.get(0);
        assertThat(dk.get("path").asText()).isEqualTo("/dev/ttyACM0");
        assertThat(dk.get("vendor_id").asText()).isEqualTo("1366");
        assertThat(dk.get("product_id").asText()).isEqualTo("1051");
        assertThat(dk.get("serial_number").asText()).isEqualTo("001050012345");
        assertThat(dk.get("description").asText()).isEqualTo("J-Link - CDC");
        assertThat(dk.get("manufacturer").asText()).isEqualTo("SEGGER");
        assertThat(dk.get("location").asText()).isEqualTo("1-2.1");
        JsonNode uart = array.get(1);
        assertThat(uart.get("vendor_id").isNull()).isTrue();
        assertThat(uart.get("product_id").isNull()).isTrue();
        assertThat(uart.get("serial_number").isNull()).isTrue();
    }

    @Test
    void no_ports_says_so_and_json_is_an_empty_array() throws Exception {
        CliRun text = ports(List.of());
        CliRun json = ports(List.of(), "--json");

        assertThat(text.exit()).isZero();
        assertThat(text.out()).startsWith("no serial ports found");
        assertThat(JSON.readTree(json.out()).isArray()).isTrue();
        assertThat(JSON.readTree(json.out())).isEmpty();
    }

    @Test
    void dfu_ports_json_lists_this_machines_ports_as_an_array() throws Exception {
        CliRun r = CliRun.run(DfuCli.commandLine(), "ports", "--json");

        assertThat(r.exit()).isZero();
        JsonNode array = JSON.readTree(r.out());
        assertThat(array.isArray()).isTrue();
        for (JsonNode port : array) {
            assertThat(port.get("path").asText()).isNotBlank();
        }
    }

    @Test
    void ports_is_a_subcommand_of_dfu_with_help() {
        CliRun r = CliRun.run(DfuCli.commandLine(), "ports", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--json").contains("Exit codes");
    }
}

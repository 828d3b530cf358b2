package dev.reactivedfu.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MtuTest {

    @ParameterizedTest(name = "MTU {0} -> {1} data bytes")
    @CsvSource({
            "131, 64",      // Nordic UART transport
            "2051, 1024",   // Nordic USB CDC transport
            "132, 64",      // an even MTU rounds down
            "133, 65",
            "5, 1"})        // the smallest MTU that still carries one byte
    void write_payload_follows_from_the_mtu(int mtu, int payload) {
        assertThat(Mtu.maxWritePayload(mtu)).isEqualTo(payload);
    }

    @Test
    void a_write_of_the_maximum_payload_fits_the_mtu_even_when_every_byte_is_escaped() {
        for (int mtu = 5; mtu <= 4096; mtu++) {
            int payload = Mtu.maxWritePayload(mtu);
            // opcode + payload, each possibly escaped to two bytes, then one END
            int worstCaseFrame = 2 * (1 + payload) + 1;
            assertThat(worstCaseFrame).as("MTU %d", mtu).isLessThanOrEqualTo(mtu);
            assertThat(2 * (1 + payload + 1) + 1).as("one more byte would not fit MTU %d", mtu).isGreaterThan(mtu);
        }
    }

    @Test
    void an_mtu_too_small_for_any_data_is_refused() {
        assertThatThrownBy(() -> Mtu.maxWritePayload(4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MTU 4");
        assertThatThrownBy(() -> Mtu.maxWritePayload(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Mtu.maxWritePayload(-131)).isInstanceOf(IllegalArgumentException.class);
    }
}

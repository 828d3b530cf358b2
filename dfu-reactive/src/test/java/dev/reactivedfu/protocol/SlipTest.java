package dev.reactivedfu.protocol;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlipTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void encode_escapes_end_and_esc_and_appends_one_end() {
        byte[] frame = Slip.encode(hex("08 C0 01 DB 02"));
        assertThat(frame).isEqualTo(hex(
                "08"      // WRITE opcode, plain
                + "DBDC"  // 0xC0 in data
                + "01"
                + "DBDD"  // 0xDB in data
                + "02"
                + "C0")); // one END, no leading END
        assertThat(Slip.encodedLength(hex("08 C0 01 DB 02"))).isEqualTo(frame.length);
    }

    @Test
    void encode_refuses_an_empty_message_because_it_would_replay_the_previous_request() {
        assertThatThrownBy(() -> Slip.encode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decoder_returns_frames_split_across_feeds() {
        Slip.Decoder d = new Slip.Decoder(64);
        assertThat(d.feed(hex("60 09 01"))).isEmpty();
        assertThat(d.hasPartialFrame()).isTrue();
        List<byte[]> frames = d.feed(hex("2A C0 60 DB"));
        assertThat(frames).containsExactly(hex("60 09 01 2A")); // PING response, id 0x2A
        assertThat(d.feed(hex("DC C0"))).containsExactly(hex("60 C0"));
        assertThat(d.droppedFrames()).isZero();
        assertThat(d.hasPartialFrame()).isFalse();
    }

    @Test
    void decoder_ignores_empty_frames_without_counting_them() {
        Slip.Decoder d = new Slip.Decoder(64);
        assertThat(d.feed(hex("C0 C0 60 02 01 C0 C0"))).containsExactly(hex("60 02 01"));
        assertThat(d.droppedFrames()).isZero();
    }

    @Test
    void decoder_drops_a_frame_with_a_bad_escape_and_resynchronises_on_end() {
        Slip.Decoder d = new Slip.Decoder(64);
        List<byte[]> frames = d.feed(hex(
                "60 03 DB 01 55 C0" // DB 01 is not an escape: the whole frame goes
                + "60 04 01 C0"));  // the next frame is intact
        assertThat(frames).containsExactly(hex("60 04 01"));
        assertThat(d.droppedFrames()).isEqualTo(1);
    }

    @Test
    void decoder_drops_esc_followed_by_end_as_a_bad_escape() {
        Slip.Decoder d = new Slip.Decoder(64);
        assertThat(d.feed(hex("60 03 DB C0 60 04 01 C0"))).containsExactly(hex("60 04 01"));
        assertThat(d.droppedFrames()).isEqualTo(1);
    }

    @Test
    void decoder_drops_a_frame_over_the_maximum_length() {
        Slip.Decoder d = new Slip.Decoder(4);
        assertThat(d.feed(hex("01 02 03 04 05 06 C0 01 02 03 04 C0"))).containsExactly(hex("01 02 03 04"));
        assertThat(d.droppedFrames()).isEqualTo(1);
    }

    @Test
    void encode_then_decode_round_trips_random_messages() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Slip.Decoder d = new Slip.Decoder(4096);
        for (int i = 0; i < 200; i++) {
            byte[] message = new byte[1 + random.nextInt(200)];
            for (int j = 0; j < message.length; j++) {
                message[j] = (byte) (random.nextBoolean() ? 0xC0 + random.nextInt(0x1C) : random.nextInt(256));
            }
            assertThat(d.feed(Slip.encode(message))).as("seed %d message %d", seed, i).containsExactly(message);
        }
        assertThat(d.droppedFrames()).as("seed %d", seed).isZero();
    }
}

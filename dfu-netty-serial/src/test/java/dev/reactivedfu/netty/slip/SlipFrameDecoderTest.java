package dev.reactivedfu.netty.slip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlipFrameDecoderTest {

    static byte[] bytes(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    /** Writes {@code data} inbound in one buffer and checks that the decoder released it. */
    static void feed(EmbeddedChannel ch, byte[] data, int from, int to) {
        ByteBuf in = Unpooled.buffer(to - from).writeBytes(data, from, to - from);
        ch.writeInbound(in);
        assertThat(in.refCnt()).as("input released by the decoder").isZero();
    }

    static void feed(EmbeddedChannel ch, byte[] data) {
        feed(ch, data, 0, data.length);
    }

    /** Reads and releases every decoded frame, as hex strings (readable failure messages). */
    static List<String> frames(EmbeddedChannel ch) {
        List<String> frames = new ArrayList<>();
        for (ByteBuf f = ch.readInbound(); f != null; f = ch.readInbound()) {
            frames.add(HexFormat.of().formatHex(ByteBufUtil.getBytes(f)));
            f.release();
            assertThat(f.refCnt()).isZero();
        }
        return frames;
    }

    @Test
    void a_frame_is_unescaped_and_delivered_without_its_end() {
        SlipFrameDecoder decoder = new SlipFrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        feed(ch, bytes(
                0x60, 0x09, 0x01, // response header: PING, success
                0xDB, 0xDC,       // id C0, escaped
                0xC0));           // END

        assertThat(frames(ch)).containsExactly("600901c0");
        assertThat(decoder.droppedFrames()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void esc_esc_is_a_data_db() {
        EmbeddedChannel ch = new EmbeddedChannel(new SlipFrameDecoder());

        feed(ch, bytes(0x08, 0xDB, 0xDD, 0xDC, 0xDD, 0xC0)); // WRITE, data DB, plain DC DD, END

        assertThat(frames(ch)).containsExactly("08dbdcdd");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void empty_frames_are_ignored_and_not_counted() {
        SlipFrameDecoder decoder = new SlipFrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        feed(ch, bytes(
                0xC0, 0xC0,       // leading ENDs (some senders open frames with END)
                0x60, 0x04, 0x01, // EXECUTE success
                0xC0, 0xC0, 0xC0, // END, then two empty frames
                0x60, 0x02, 0x01, // SET PRN success
                0xC0));

        assertThat(frames(ch)).containsExactly("600401", "600201");
        assertThat(decoder.droppedFrames()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void a_bad_escape_drops_the_frame_and_the_next_frame_decodes() {
        SlipFrameDecoder decoder = new SlipFrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        feed(ch, bytes(
                0x60, 0x03, 0xDB, 0x41, 0x01, 0x02, // DB 41 is no escape: frame dropped up to END
                0xC0,
                0x60, 0x09, 0x01, 0x07,             // PING 7 answered
                0xC0));

        assertThat(frames(ch)).containsExactly("60090107");
        assertThat(decoder.droppedBadEscape()).isEqualTo(1);
        assertThat(decoder.droppedOversized()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void esc_directly_before_end_is_a_bad_escape_and_that_end_resynchronises() {
        SlipFrameDecoder decoder = new SlipFrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        feed(ch, bytes(
                0x60, 0x06, 0xDB, // ESC ...
                0xC0,             // ... then END: dropped, and this END closes the bad frame
                0x60, 0x07, 0x01, 0x83, 0x00, // MTU 131
                0xC0));

        assertThat(frames(ch)).containsExactly("6007018300");
        assertThat(decoder.droppedBadEscape()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void a_frame_of_exactly_the_maximum_length_passes_and_one_byte_more_is_dropped() {
        SlipFrameDecoder decoder = new SlipFrameDecoder(4);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        feed(ch, bytes(
                0x01, 0x02, 0xDB, 0xDC, 0x04, 0xC0, // 4 unescaped bytes (escape counts once): accepted
                0x01, 0x02, 0x03, 0x04, 0x05, 0xC0, // 5 bytes: dropped
                0x0A, 0xC0));                       // next frame decodes

        assertThat(frames(ch)).containsExactly("0102c004", "0a");
        assertThat(decoder.droppedOversized()).isEqualTo(1);
        assertThat(decoder.droppedBadEscape()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void an_oversized_frame_spread_over_many_reads_is_skipped_to_the_next_end() {
        SlipFrameDecoder decoder = new SlipFrameDecoder(8);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        for (int i = 0; i < 10; i++) {
            feed(ch, new byte[100]); // 1000 zero bytes without END (a stuck or babbling line)
        }
        feed(ch, bytes(0xDB, 0x00, 0xC0)); // even a bad escape inside the skipped run is not counted again
        feed(ch, bytes(0x60, 0x04, 0x01, 0xC0));

        assertThat(frames(ch)).containsExactly("600401");
        assertThat(decoder.droppedOversized()).isEqualTo(1);
        assertThat(decoder.droppedBadEscape()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void garbage_between_frames_is_skipped() {
        SlipFrameDecoder decoder = new SlipFrameDecoder(16);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] stream = bytes(
                0x60, 0x09, 0x01, 0x01, 0xC0,           // PING 1
                0xC0, 0xC0,                             // line noise: empty frames
                0xDB, 0xFF, 0x12, 0xC0,                 // noise with a bad escape
                0xDB, 0xC0,                             // a lone ESC then END
                0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
                0x55, 0xC0,                             // 17 noise bytes: over the maximum
                0x60, 0x09, 0x01, 0x02, 0xC0);          // PING 2

        feed(ch, stream);

        assertThat(frames(ch)).containsExactly("60090101", "60090102");
        assertThat(decoder.droppedBadEscape()).isEqualTo(2);
        assertThat(decoder.droppedOversized()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    /** A stream with escapes, empty frames and a dropped frame, to cut at every position. */
    private static final byte[] STREAM = bytes(
            0xC0,                                     // leading END
            0x60, 0x06, 0x01,                         // SELECT success
            0x00, 0x10, 0x00, 0x00,                   //   max size 4096
            0xDB, 0xDC, 0x00, 0x00, 0x00,             //   offset 0xC0 (escaped)
            0xDB, 0xDD, 0x01, 0x02, 0x03, 0xC0,       //   crc 0x030201DB (escaped)
            0xC0,                                     // empty frame
            0x60, 0xDB, 0x7F, 0x00, 0xC0,             // bad escape: dropped
            0x60, 0x03, 0x01,                         // CRC success
            0x40, 0x01, 0x00, 0x00,                   //   offset 320
            0xDB, 0xDB, 0xDD, 0xDC, 0xDC, 0xC0,       //   DB DB: bad escape, dropped
            0x60, 0x07, 0x01, 0x03, 0x08, 0xC0);      // MTU 2051

    private static final List<String> STREAM_FRAMES = List.of(
            "60060100100000c0000000db010203",
            "6007010308");

    @Test
    void the_stream_decodes_to_its_frames_in_one_read() {
        SlipFrameDecoder decoder = new SlipFrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        feed(ch, STREAM);

        assertThat(frames(ch)).isEqualTo(STREAM_FRAMES);
        assertThat(decoder.droppedBadEscape()).isEqualTo(2);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void input_split_at_every_byte_boundary_decodes_identically() {
        for (int cut = 0; cut <= STREAM.length; cut++) {
            SlipFrameDecoder decoder = new SlipFrameDecoder();
            EmbeddedChannel ch = new EmbeddedChannel(decoder);

            feed(ch, STREAM, 0, cut);
            feed(ch, STREAM, cut, STREAM.length);

            assertThat(frames(ch)).as("cut at %d", cut).isEqualTo(STREAM_FRAMES);
            assertThat(decoder.droppedBadEscape()).as("cut at %d", cut).isEqualTo(2);
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void input_fed_one_byte_at_a_time_decodes_identically() {
        SlipFrameDecoder decoder = new SlipFrameDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        for (int i = 0; i < STREAM.length; i++) {
            feed(ch, STREAM, i, i + 1);
        }

        assertThat(frames(ch)).isEqualTo(STREAM_FRAMES);
        assertThat(decoder.droppedBadEscape()).isEqualTo(2);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void a_partial_frame_left_at_close_is_discarded_without_leaking() {
        EmbeddedChannel ch = new EmbeddedChannel(new SlipFrameDecoder());

        feed(ch, bytes(0x60, 0x09, 0x01)); // no END yet

        assertThat(frames(ch)).isEmpty();
        assertThat(ch.finish()).as("nothing delivered at close").isFalse();
    }
}

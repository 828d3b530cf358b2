package dev.reactivedfu.netty.codec;

import dev.reactivedfu.netty.slip.SlipFrameDecoder;
import dev.reactivedfu.netty.slip.SlipFrameEncoder;
import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.ObjectType;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's codec stack as the transport assembles it: SLIP below, DFU messages above. */
class DfuCodecHandlersTest {

    private final EmbeddedChannel ch = new EmbeddedChannel(
            new SlipFrameDecoder(), SlipFrameEncoder.INSTANCE, FrameTraceHandler.INSTANCE,
            DfuInboundDecoder.INSTANCE, DfuRequestEncoder.INSTANCE);

    @AfterEach
    void nothing_left_over() {
        assertThat(ch.finish()).as("no unread messages").isFalse();
    }

    private static byte[] bytes(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    private byte[] wire() {
        ByteBuf out = ch.readOutbound();
        assertThat(out).isNotNull();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private DfuInbound receive(int... wire) {
        ByteBuf in = Unpooled.buffer().writeBytes(bytes(wire));
        ch.writeInbound(in);
        assertThat(in.refCnt()).isZero();
        return ch.readInbound();
    }

    @Test
    void create_goes_out_as_opcode_type_and_little_endian_size_then_end() {
        ch.writeOutbound(new DfuRequest.Create(ObjectType.DATA, 4096));

        assertThat(wire()).containsExactly(bytes(
                0x01,                   // CREATE
                0x02,                   // type: data
                0x00, 0x10, 0x00, 0x00, // size 4096, little-endian
                0xC0));                 // END
    }

    @Test
    void write_data_holding_end_and_esc_is_escaped_on_the_wire() {
        ch.writeOutbound(new DfuRequest.Write(bytes(0xC0, 0x11, 0xDB)));

        assertThat(wire()).containsExactly(bytes(
                0x08,       // WRITE
                0xDB, 0xDC, // data C0
                0x11,
                0xDB, 0xDD, // data DB
                0xC0));     // END
    }

    @Test
    void ping_goes_out_with_its_id() {
        ch.writeOutbound(new DfuRequest.Ping(0x2A));

        assertThat(wire()).containsExactly(bytes(0x09, 0x2A, 0xC0)); // PING, id, END
    }

    @Test
    void a_select_response_is_decoded() {
        DfuInbound in = receive(
                0x60, 0x06, 0x01,             // response to SELECT: success
                0x00, 0x10, 0x00, 0x00,       // max size 4096
                0xDB, 0xDC, 0x00, 0x00, 0x00, // offset 0xC0 (escaped on the wire)
                0x78, 0x56, 0x34, 0x12,       // crc 0x12345678
                0xC0);

        assertThat(in).isEqualTo(new DfuResponse.Select(4096, 0xC0, 0x12345678));
    }

    @Test
    void a_prn_notification_is_decoded_as_a_crc_response() {
        DfuInbound in = receive(
                0x60, 0x03, 0x01,       // response to CRC GET: success
                0x40, 0x01, 0x00, 0x00, // offset 320
                0xEF, 0xBE, 0xAD, 0xDE, // crc 0xDEADBEEF
                0xC0);

        assertThat(in).isEqualTo(new DfuResponse.Crc(320, 0xDEADBEEFL));
    }

    @Test
    void an_extended_error_is_decoded_with_its_meaning() {
        DfuInbound in = receive(
                0x60, 0x04, 0x0B, // response to EXECUTE: extended error
                0x08,             // signature missing
                0xC0);

        assertThat(in).isEqualTo(new DfuResponse.Error(OpCode.EXECUTE, ResultCode.EXTENDED_ERROR,
                Optional.of(ExtendedError.SIGNATURE_MISSING)));
    }

    @Test
    void a_truncated_response_arrives_as_malformed_with_the_bytes_and_the_reason() {
        DfuInbound in = receive(
                0x60, 0x07, 0x01, // response to MTU GET: success
                0x83,             // only one of the two MTU bytes
                0xC0);

        assertThat(in).isInstanceOf(DfuInbound.Malformed.class);
        DfuInbound.Malformed m = (DfuInbound.Malformed) in;
        assertThat(m.frame()).containsExactly(bytes(0x60, 0x07, 0x01, 0x83));
        assertThat(m.reason()).contains("truncated");
    }

    @Test
    void a_frame_not_starting_with_0x60_arrives_as_malformed() {
        DfuInbound in = receive(
                0x61, 0x09, 0x01, 0x05, // a PING answer with a corrupted first byte
                0xC0);

        assertThat(in).isInstanceOf(DfuInbound.Malformed.class);
        assertThat(((DfuInbound.Malformed) in).reason()).contains("0x60");
    }

    @Test
    void several_responses_in_one_read_arrive_in_order() {
        ByteBuf in = Unpooled.buffer().writeBytes(bytes(
                0x60, 0x02, 0x01, 0xC0,             // SET PRN success
                0x60, 0x07, 0x01, 0x83, 0x00, 0xC0, // MTU 131
                0x60, 0x09, 0x01, 0x05, 0xC0));     // PING 5
        ch.writeInbound(in);

        assertThat((Object) ch.readInbound()).isEqualTo(new DfuResponse.Ack(OpCode.SET_PRN));
        assertThat((Object) ch.readInbound()).isEqualTo(new DfuResponse.Mtu(131));
        assertThat((Object) ch.readInbound()).isEqualTo(new DfuResponse.Ping(5));
        assertThat((Object) ch.readInbound()).isNull();
    }
}

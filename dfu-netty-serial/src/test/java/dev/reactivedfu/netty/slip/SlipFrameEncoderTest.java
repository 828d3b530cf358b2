package dev.reactivedfu.netty.slip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlipFrameEncoderTest {

    private static ByteBuf buf(int... bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length);
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    private static byte[] bytes(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    private static byte[] readFrame(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        assertThat(out).as("an encoded frame").isNotNull();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void a_message_without_special_bytes_is_sent_as_is_followed_by_one_end() {
        EmbeddedChannel ch = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
        ByteBuf msg = buf(0x09, 0x2A); // PING id 0x2A
        ch.writeOutbound(msg);

        assertThat(readFrame(ch)).containsExactly(bytes(
                0x09, 0x2A, // message
                0xC0));     // END, no leading END
        assertThat(msg.refCnt()).as("message released").isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void end_and_esc_in_the_message_are_escaped() {
        EmbeddedChannel ch = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
        ch.writeOutbound(buf(0x08, 0xC0, 0xDB, 0xDC, 0xDD, 0xC0));

        assertThat(readFrame(ch)).containsExactly(bytes(
                0x08,       // WRITE opcode
                0xDB, 0xDC, // data C0
                0xDB, 0xDD, // data DB
                0xDC, 0xDD, // DC and DD alone are plain data
                0xDB, 0xDC, // data C0 at the end is still escaped
                0xC0));     // END
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void the_frame_buffer_is_allocated_at_its_exact_size() {
        EmbeddedChannel ch = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
        ch.writeOutbound(buf(0xC0, 0x01, 0xDB)); // 3 bytes, 2 of them escaped: 5 + END

        ByteBuf out = ch.readOutbound();
        try {
            assertThat(out.readableBytes()).isEqualTo(6);
            assertThat(out.capacity()).isEqualTo(6);
        } finally {
            out.release();
        }
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void an_empty_message_is_refused_and_nothing_is_sent() {
        EmbeddedChannel ch = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
        ByteBuf empty = Unpooled.buffer(0);

        ChannelFuture f = ch.writeAndFlush(empty);

        assertThat(f.isSuccess()).isFalse();
        assertThat(f.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("empty SLIP frame");
        assertThat((Object) ch.readOutbound()).as("nothing on the wire").isNull();
        assertThat(empty.refCnt()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void the_encoder_is_sharable_between_channels() {
        EmbeddedChannel a = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
        EmbeddedChannel b = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
        a.writeOutbound(buf(0x01));
        b.writeOutbound(buf(0x02));

        assertThat(readFrame(a)).containsExactly(bytes(0x01, 0xC0));
        assertThat(readFrame(b)).containsExactly(bytes(0x02, 0xC0));
        assertThat(a.finish()).isFalse();
        assertThat(b.finish()).isFalse();
    }
}

package dev.reactivedfu.netty.slip;

import dev.reactivedfu.protocol.DfuCodec;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.ObjectType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Encoder output fed to the decoder gives back every message, however the bytes are cut. */
class SlipRoundTripTest {

    private static byte[] everyByteValue() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    /** Every kind of request, plus payloads full of END and ESC. */
    private static List<byte[]> messages() {
        List<byte[]> m = new ArrayList<>();
        for (DfuRequest r : List.of(
                new DfuRequest.ProtocolVersion(),
                new DfuRequest.Create(ObjectType.DATA, 0xC0DB),
                new DfuRequest.SetPrn(0xC0),
                new DfuRequest.CrcGet(),
                new DfuRequest.Execute(),
                new DfuRequest.Select(ObjectType.COMMAND),
                new DfuRequest.MtuGet(),
                new DfuRequest.Write(everyByteValue()),
                new DfuRequest.Ping(0xDB),
                new DfuRequest.HardwareVersion(),
                new DfuRequest.FirmwareVersion(0),
                new DfuRequest.Abort())) {
            m.add(DfuCodec.encodeRequest(r));
        }
        m.add(new byte[] {(byte) 0xC0});
        m.add(new byte[] {(byte) 0xDB});
        m.add(new byte[] {(byte) 0xC0, (byte) 0xC0, (byte) 0xDB, (byte) 0xDB});
        return m;
    }

    private static byte[] encodeAll(List<byte[]> messages) {
        EmbeddedChannel enc = new EmbeddedChannel(SlipFrameEncoder.INSTANCE);
        for (byte[] msg : messages) {
            enc.writeOutbound(Unpooled.wrappedBuffer(msg));
        }
        CompositeByteBuf wire = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        for (ByteBuf b = enc.readOutbound(); b != null; b = enc.readOutbound()) {
            wire.addComponent(true, b);
        }
        byte[] bytes = ByteBufUtil.getBytes(wire);
        wire.release();
        assertThat(enc.finish()).isFalse();
        return bytes;
    }

    private static List<byte[]> decodeInPieces(byte[] wire, int[] cuts) {
        EmbeddedChannel dec = new EmbeddedChannel(new SlipFrameDecoder(8192));
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : wire.length;
            ByteBuf in = Unpooled.buffer(to - from).writeBytes(wire, from, to - from);
            dec.writeInbound(in);
            assertThat(in.refCnt()).isZero();
            from = to;
        }
        List<byte[]> out = new ArrayList<>();
        for (ByteBuf f = dec.readInbound(); f != null; f = dec.readInbound()) {
            out.add(ByteBufUtil.getBytes(f));
            f.release();
        }
        assertThat(dec.finish()).isFalse();
        return out;
    }

    @Test
    void every_message_round_trips_through_encoder_and_decoder() {
        List<byte[]> messages = messages();
        byte[] wire = encodeAll(messages);

        assertThat(wire[0]).as("no leading END").isNotEqualTo(Slip.END);
        assertThat(decodeInPieces(wire, new int[0])).containsExactlyElementsOf(messages);
    }

    @Test
    void every_message_round_trips_when_the_wire_is_cut_at_every_position() {
        List<byte[]> messages = messages();
        byte[] wire = encodeAll(messages);

        for (int cut = 0; cut <= wire.length; cut++) {
            assertThat(decodeInPieces(wire, new int[] {cut})).as("cut at %d", cut)
                    .containsExactlyElementsOf(messages);
        }
    }

    @Test
    void random_messages_cut_at_random_positions_round_trip() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<byte[]> messages = new ArrayList<>();
            for (int i = 1 + random.nextInt(8); i > 0; i--) {
                byte[] msg = new byte[1 + random.nextInt(300)];
                for (int j = 0; j < msg.length; j++) {
                    // a third of the bytes are END or ESC, to exercise escapes at every position
                    int pick = random.nextInt(6);
                    msg[j] = pick == 0 ? Slip.END : pick == 1 ? Slip.ESC : (byte) random.nextInt(256);
                }
                messages.add(msg);
            }
            byte[] wire = encodeAll(messages);
            int[] cuts = random.ints(random.nextInt(10), 0, wire.length + 1).sorted().toArray();

            assertThat(decodeInPieces(wire, cuts)).as("seed %d, round %d", seed, round)
                    .containsExactlyElementsOf(messages);
        }
    }
}

package dev.reactivedfu.netty.slip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder against a byte-at-a-time reference model of the rules in its Javadoc, on random line noise rich in
 * END, ESC, DC and DD, cut at random places: same frames, same drop counts.
 */
class SlipDecoderModelTest {

    /** The rules, one byte at a time, as plainly as they can be written. */
    static final class Model {
        final List<String> frames = new ArrayList<>();
        long badEscape;
        long oversized;
        private final int max;
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        private boolean escaped;
        private boolean discarding;

        Model(int max) {
            this.max = max;
        }

        void accept(byte b) {
            if (b == Slip.END) {
                if (discarding) {
                    discarding = false;
                } else if (escaped) {
                    badEscape++;
                } else if (frame.size() > 0) {
                    frames.add(HexFormat.of().formatHex(frame.toByteArray()));
                }
                escaped = false;
                frame.reset();
                return;
            }
            if (discarding) {
                return;
            }
            if (escaped) {
                escaped = false;
                if (b == Slip.ESC_END) {
                    add(Slip.END);
                } else if (b == Slip.ESC_ESC) {
                    add(Slip.ESC);
                } else {
                    badEscape++;
                    discard();
                }
            } else if (b == Slip.ESC) {
                escaped = true;
            } else {
                add(b);
            }
        }

        private void add(byte b) {
            if (frame.size() == max) {
                oversized++;
                discard();
            } else {
                frame.write(b);
            }
        }

        private void discard() {
            discarding = true;
            frame.reset();
        }
    }

    private static byte[] noise(Random random, int length) {
        byte[] special = {Slip.END, Slip.ESC, Slip.ESC_END, Slip.ESC_ESC};
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = random.nextInt(4) == 0 ? special[random.nextInt(4)] : (byte) random.nextInt(256);
        }
        return b;
    }

    @Test
    void the_decoder_agrees_with_the_reference_model_on_random_noise() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 300; round++) {
            int max = 1 + random.nextInt(40);
            byte[] stream = noise(random, random.nextInt(2000));
            Model model = new Model(max);
            for (byte b : stream) {
                model.accept(b);
            }

            SlipFrameDecoder decoder = new SlipFrameDecoder(max);
            EmbeddedChannel ch = new EmbeddedChannel(decoder);
            int from = 0;
            while (from < stream.length) {
                int n = Math.min(stream.length - from, 1 + random.nextInt(64));
                ch.writeInbound(Unpooled.buffer(n).writeBytes(stream, from, n));
                from += n;
            }
            List<String> frames = new ArrayList<>();
            for (ByteBuf f = ch.readInbound(); f != null; f = ch.readInbound()) {
                frames.add(HexFormat.of().formatHex(ByteBufUtil.getBytes(f)));
                f.release();
            }

            String where = "seed " + seed + ", round " + round + ", max " + max;
            assertThat(frames).as(where).isEqualTo(model.frames);
            assertThat(decoder.droppedBadEscape()).as(where).isEqualTo(model.badEscape);
            assertThat(decoder.droppedOversized()).as(where).isEqualTo(model.oversized);
            ch.finishAndReleaseAll();
        }
    }
}

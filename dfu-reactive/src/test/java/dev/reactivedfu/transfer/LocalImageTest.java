package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.ImageCrc;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalImageTest {

    @Test
    void crc_at_every_offset_equals_the_crc_of_the_prefix() {
        byte[] bytes = new byte[1000];
        new Random(7).nextBytes(bytes);
        LocalImage image = new LocalImage(bytes);

        for (int offset = 0; offset <= bytes.length; offset++) {
            assertThat(image.crcAt(offset)).as("offset %d", offset).isEqualTo(ImageCrc.upTo(bytes, offset));
        }
    }

    @Test
    void a_device_offset_outside_the_image_never_matches() {
        LocalImage image = new LocalImage(new byte[100]);

        assertThat(image.matches(101, image.crcAt(100))).isFalse();
        assertThat(image.matches(-1, 0)).isFalse();
        assertThat(image.matches(100, image.crcAt(100))).isTrue();
        assertThatThrownBy(() -> image.crcAt(101)).isInstanceOf(IllegalArgumentException.class);
    }
}

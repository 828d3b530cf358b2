package dev.reactivedfu.transfer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinkTuningTest {

    private static LinkTuning tuning(int prn, int window) {
        return new LinkTuning(DfuOptions.builder().prn(prn).window(window).cleanObjectsToWiden(2).build());
    }

    @Test
    void losses_halve_the_window_first_then_the_prn_down_to_one() {
        LinkTuning t = tuning(8, 4);

        t.lost();
        assertThat(t.window()).isEqualTo(2);
        t.lost();
        t.lost();
        assertThat(t.window()).isEqualTo(1);
        assertThat(t.prn()).isEqualTo(4);
        t.lost();
        t.lost();
        t.lost();
        assertThat(t.prn()).isEqualTo(1);
        assertThat(t.window()).isEqualTo(1);
    }

    @Test
    void clean_objects_widen_the_prn_first_then_the_window_back_to_the_configured_values() {
        LinkTuning t = tuning(8, 4);
        for (int i = 0; i < 6; i++) {
            t.lost();
        }

        for (int i = 0; i < 20; i++) {
            t.cleanObject();
        }

        assertThat(t.prn()).isEqualTo(8);
        assertThat(t.window()).isEqualTo(4);
    }

    @Test
    void a_loss_resets_the_count_of_clean_objects() {
        LinkTuning t = tuning(8, 1);
        t.lost();
        t.cleanObject();
        t.lost();
        t.cleanObject();

        assertThat(t.prn()).isEqualTo(2);
    }

    @Test
    void with_prn_0_a_loss_switches_notifications_on_and_clean_objects_switch_them_off_again() {
        LinkTuning t = tuning(0, 2);

        t.lost();
        assertThat(t.prn()).isEqualTo(DfuOptions.DEFAULT_PRN);
        assertThat(t.window()).isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            t.cleanObject();
        }
        assertThat(t.prn()).isZero();
        assertThat(t.window()).isEqualTo(2);
    }

    @Test
    void a_loss_right_after_widening_makes_the_next_widening_wait_twice_as_long() {
        LinkTuning t = tuning(8, 1);
        t.lost();                       // PRN 4
        t.cleanObject();
        t.cleanObject();                // widened to 8
        assertThat(t.prn()).isEqualTo(8);
        t.lost();                       // lost again at 8: back to 4, and widening now waits 4 clean objects

        t.cleanObject();
        t.cleanObject();
        assertThat(t.prn()).isEqualTo(4);
        t.cleanObject();
        t.cleanObject();
        assertThat(t.prn()).isEqualTo(8);
    }

    @Test
    void without_adaptation_nothing_changes() {
        LinkTuning t = new LinkTuning(DfuOptions.builder().prn(8).window(4).adaptive(false).build());

        t.lost();
        t.lost();

        assertThat(t.prn()).isEqualTo(8);
        assertThat(t.window()).isEqualTo(4);
    }
}

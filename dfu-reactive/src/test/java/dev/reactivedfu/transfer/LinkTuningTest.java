package dev.reactivedfu.transfer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The adaptive credit window as a pure state machine: slow start, additive increase, halving, PRN per object. */
class LinkTuningTest {

    private static LinkTuning link(int prn, int window) {
        return new LinkTuning(DfuOptions.builder().prn(prn).window(window).windowLimits(3, 144).build()
                .flowControl(), null);
    }

    @Test
    void the_window_starts_at_prn_times_window_and_doubles_per_clean_object_until_the_first_loss() {
        LinkTuning t = link(3, 1);
        assertThat(t.window()).isEqualTo(3);

        t.cleanObject(64);
        t.cleanObject(64);
        t.cleanObject(64);
        assertThat(t.window()).isEqualTo(24);

        t.cleanObject(64);
        t.cleanObject(64);
        t.cleanObject(64);
        assertThat(t.window()).isEqualTo(144);
        t.cleanObject(64);
        assertThat(t.window()).as("never beyond the ceiling").isEqualTo(144);
    }

    @Test
    void a_loss_halves_the_window_and_growth_then_is_additive_by_a_quarter_object() {
        LinkTuning t = link(16, 4);
        assertThat(t.window()).isEqualTo(64);

        t.lost();
        assertThat(t.window()).isEqualTo(32);
        t.cleanObject(64);
        assertThat(t.window()).isEqualTo(48);
        t.cleanObject(64);
        assertThat(t.window()).isEqualTo(64);
        for (int i = 0; i < 5; i++) {
            t.lost();
        }
        assertThat(t.window()).as("halving stops at the floor").isEqualTo(3);
        t.lost();
        assertThat(t.window()).as("a loss at the floor: one write at a time").isEqualTo(1);
        assertThat(t.prnFor(64)).isEqualTo(1);
        t.cleanObject(64);
        t.cleanObject(64);
        assertThat(t.window()).as("back to the floor, then additive").isEqualTo(3);
    }

    @Test
    void the_prn_divides_the_object_so_a_notification_lands_on_its_last_write_and_two_fit_in_the_window() {
        LinkTuning t = link(16, 4);

        assertThat(t.prnFor(64)).isEqualTo(32);
        t.lost();
        assertThat(t.prnFor(64)).isEqualTo(16);
        assertThat(t.prnFor(3)).as("the 143-byte init packet: 3 writes").isEqualTo(3);
        assertThat(t.prnFor(4)).as("USB CDC: 4 writes of 1024 bytes").isEqualTo(4);
        assertThat(t.prnFor(10)).isEqualTo(10);
        assertThat(64 % t.prnFor(64)).isZero();
    }

    @Test
    void at_the_floor_every_write_is_acknowledged() {
        LinkTuning t = link(3, 1);

        assertThat(t.prnFor(64)).isEqualTo(1);
        assertThat(t.credit(1)).isEqualTo(3);
    }

    @Test
    void with_prn_0_no_notifications_are_asked_until_a_loss_switches_them_on_at_the_floor() {
        LinkTuning t = link(0, 1);
        assertThat(t.prnFor(64)).isZero();
        assertThat(t.credit(0)).isEqualTo(Integer.MAX_VALUE);

        t.lost();

        assertThat(t.window()).isEqualTo(3);
        assertThat(t.prnFor(64)).isEqualTo(1);
    }

    @Test
    void without_adaptation_prn_and_window_stay_as_configured() {
        LinkTuning t = new LinkTuning(DfuOptions.builder().prn(8).window(2).adaptive(false).build().flowControl(),
                null);

        t.lost();
        t.cleanObject(64);

        assertThat(t.prnFor(64)).isEqualTo(8);
        assertThat(t.credit(8)).isEqualTo(16);
    }

    @Test
    void what_a_link_learned_is_the_start_of_the_next_update_on_the_port() {
        LinkTuning first = link(3, 1);
        for (int i = 0; i < 5; i++) {
            first.cleanObject(64);
        }
        first.lost();

        LinkTuning next = new LinkTuning(DfuOptions.defaults().flowControl(), first.learned());

        assertThat(next.window()).isEqualTo(first.window()).isEqualTo(48);
        next.cleanObject(64);
        assertThat(next.window()).as("additive after the loss it remembers").isEqualTo(64);
    }

    @Test
    void with_flow_control_the_ceiling_is_what_the_port_buffers_and_the_window_starts_there() {
        LinkTuning t = link(3, 1);

        // a 64 KiB write buffer, writes of at most 130 bytes on the wire (64 data bytes, every one escaped)
        t.connected(new LinkFacts(1_000_000, true, 65_536), 130);

        assertThat(t.ceiling()).isEqualTo(504);
        assertThat(t.window()).isEqualTo(504);
        assertThat(t.prnFor(64)).as("one notification, on the object's last write").isEqualTo(64);
        t.lost();
        assertThat(t.window()).as("a loss still halves it").isEqualTo(252);
        t.connected(new LinkFacts(1_000_000, true, 65_536), 130);
        assertThat(t.window()).as("a later connection keeps what the update learned").isEqualTo(252);
    }

    @Test
    void with_flow_control_a_small_port_buffer_caps_the_window_but_never_below_the_floor() {
        LinkTuning small = link(3, 1);
        small.connected(new LinkFacts(115_200, true, 4_096), 130);
        assertThat(small.window()).isEqualTo(31);

        LinkTuning tiny = link(3, 1);
        tiny.connected(new LinkFacts(115_200, true, 100), 130);
        assertThat(tiny.ceiling()).isEqualTo(3);
    }

    @Test
    void with_flow_control_on_a_port_that_does_not_know_its_buffer_the_configured_ceiling_rules() {
        LinkTuning t = link(3, 1);

        t.connected(new LinkFacts(1_000_000, true, 0), 130);

        assertThat(t.ceiling()).isEqualTo(144);
        assertThat(t.window()).isEqualTo(144);
    }

    @Test
    void without_flow_control_the_window_starts_at_prn_times_window_and_grows_to_the_configured_ceiling() {
        LinkTuning t = link(3, 1);

        t.connected(new LinkFacts(1_000_000, false, 65_536), 130);

        assertThat(t.window()).isEqualTo(3);
        assertThat(t.ceiling()).isEqualTo(144);
    }

    @Test
    void with_flow_control_an_update_starting_from_what_the_port_learned_keeps_that_start() {
        LinkTuning first = link(3, 1);
        first.connected(new LinkFacts(1_000_000, true, 65_536), 130);
        first.lost();

        LinkTuning next = new LinkTuning(DfuOptions.defaults().flowControl(), first.learned());
        next.connected(new LinkFacts(1_000_000, true, 65_536), 130);

        assertThat(next.window()).isEqualTo(252);
    }
}

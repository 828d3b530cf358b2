package dev.reactivedfu.benchmarks.link;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.PublicKeys;
import dev.reactivedfu.simulator.SimulatorConfig;
import dev.reactivedfu.transfer.DfuOptions;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness itself: the engine over the production Netty pipeline against the simulator lands the image, and the
 * model limit is the one DESIGN.md works out. No speed is asserted (speed is a benchmark figure).
 */
class LinkHarnessTest {

    private static EventLoopGroup group;
    private static ECPublicKey key;
    private static DfuPackage app200k;

    @BeforeAll
    static void setUp() throws IOException {
        group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
        key = PublicKeys.parse("public.pem", new String(bytes("/fixtures/public.pem"), StandardCharsets.US_ASCII));
        app200k = new DfuPackageReader().read("app_200k.zip", bytes("/fixtures/app_200k.zip"), key);
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void the_engine_over_netty_against_the_simulator_lands_the_image_in_simulated_flash() {
        LinkSweep.Result r = LinkSweep.run(group, app200k, key,
                new LinkSweep.Case(SimulatorConfig.Profile.USB_CDC, 1_000_000, 0, true), DfuOptions.defaults());

        assertThat(r.imageOk()).isTrue();
        assertThat(r.retries()).isZero();
    }

    @Test
    void the_model_limit_of_200_kib_at_1_mbaud_with_16_ms_latency_is_the_one_design_works_out() {
        ModelLimit limit = ModelLimit.of(app200k.images().get(0), device(SimulatorConfig.Profile.UART, 1_000_000,
                16, false));

        // DESIGN.md: wire 2.1 s, page erases 4.25 s, three exchanges per object 4.8 s, set-up 0.5 s: 11.7 s
        assertThat(limit.wire().toMillis()).isBetween(2_000L, 2_300L);
        assertThat(limit.erases()).isEqualTo(Duration.ofMillis(85 * 50));
        assertThat(limit.exchanges().toMillis()).isBetween(4_800L, 5_200L);
        // without flow control the line keeps receiving while flash writes words: none is charged
        assertThat(limit.words()).isLessThan(Duration.ofMillis(5));
        // the settings save: two erases and two writes of the 976-byte settings structure
        assertThat(limit.settings()).isEqualTo(Duration.ofNanos(2 * 85_000_000L + 2 * 244 * 41_000L));
        assertThat(limit.total().toMillis()).isBetween(11_400L, 11_900L);
    }

    @Test
    void with_flow_control_every_word_write_but_the_last_of_each_object_is_charged() {
        ModelLimit limit = ModelLimit.of(app200k.images().get(0), device(SimulatorConfig.Profile.UART, 1_000_000,
                16, true));

        // the board holds the line while flash writes words: 63 writes of 16 words per 4 KiB object, 41 us a word;
        // the last write's words run during the notification's round trip (32 ms)
        long objects = 50;
        assertThat(limit.words()).isEqualTo(Duration.ofNanos(objects * 63 * 16 * 41_000L));
        assertThat(limit.total().minus(limit.words()))
                .isEqualTo(ModelLimit.of(app200k.images().get(0), device(SimulatorConfig.Profile.UART, 1_000_000,
                        16, false)).total());
    }

    @Test
    void with_flow_control_and_no_latency_the_last_writes_words_are_charged_where_the_round_trip_cannot_hide_them() {
        ModelLimit slow = ModelLimit.of(app200k.images().get(0), device(SimulatorConfig.Profile.UART, 1_000_000,
                0, true));

        // 64 writes of 16 words per object, less what the notification's wire and the CPU's answer time hide
        assertThat(slow.words()).isGreaterThan(Duration.ofNanos(50 * 63 * 16 * 41_000L))
                .isLessThan(Duration.ofNanos(50 * 64 * 16 * 41_000L));
    }

    @Test
    void the_model_limit_at_115200_baud_with_1_ms_latency_is_the_one_design_works_out() {
        ModelLimit limit = ModelLimit.of(app200k.images().get(0), device(SimulatorConfig.Profile.UART, 115_200, 1,
                false));

        // DESIGN.md: at least 23.5 s
        assertThat(limit.total().toMillis()).isBetween(22_500L, 24_500L);
    }

    @Test
    void the_raw_host_lands_the_image_and_never_beats_the_limit() {
        for (boolean flow : new boolean[] {true, false}) {
            LinkSweep.Case c = new LinkSweep.Case(SimulatorConfig.Profile.USB_CDC, 1_000_000, 1, flow);
            LinkSweep.Raw raw = LinkSweep.runRaw(group, app200k, key, c);

            assertThat(raw.imageOk()).as("%s", c).isTrue();
            // a lower bound, not a speed figure: load only makes the raw host slower
            assertThat(raw.seconds()).as("%s", c).isGreaterThanOrEqualTo(
                    ModelLimit.of(app200k.images().get(0), LinkSweep.config(c, key)).total().toNanos() / 1e9);
        }
    }

    private static SimulatorConfig device(SimulatorConfig.Profile profile, long baud, int latencyMs, boolean flow) {
        return LinkSweep.config(new LinkSweep.Case(profile, baud, latencyMs, flow), key);
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = LinkHarnessTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}

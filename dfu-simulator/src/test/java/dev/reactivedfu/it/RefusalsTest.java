package dev.reactivedfu.it;

import dev.reactivedfu.archive.DfuPackage;
import dev.reactivedfu.archive.DfuPackageReader;
import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.protocol.ExtendedError;
import dev.reactivedfu.protocol.OpCode;
import dev.reactivedfu.protocol.ResultCode;
import dev.reactivedfu.transfer.DfuEvent;
import dev.reactivedfu.transfer.Runs;
import dev.reactivedfu.transfer.TestPackages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device's verdicts reach the user as typed errors at once, without retries, naming opcode and result. */
class RefusalsTest {

    private static void assertRefused(Runs.Result r, Sim sim, OpCode op, ResultCode result, ExtendedError ext) {
        assertThat(r.error()).isInstanceOfSatisfying(RemoteErrorException.class, e -> {
            assertThat(e.opCode()).isEqualTo(op);
            assertThat(e.result()).isEqualTo(result);
            if (ext != null) {
                assertThat(e.extended()).contains(ext);
            }
        });
        assertThat(r.events(DfuEvent.Failed.class)).singleElement()
                .satisfies(f -> assertThat(f.cause()).isSameAs(r.error()));
        assertThat(r.events(DfuEvent.ObjectRetried.class)).isEmpty();
        assertThat(sim.device.application()).isEmpty();
    }

    @Test
    void an_unsigned_init_packet_for_a_bootloader_with_a_key_is_refused_as_signature_missing() {
        Sim sim = new Sim(Sim.signed().build());

        Runs.Result r = sim.update(Sim.fixture(Fixtures.APP_24K_UNSIGNED), sim.options().build());

        assertRefused(r, sim, OpCode.EXECUTE, ResultCode.EXTENDED_ERROR, ExtendedError.SIGNATURE_MISSING);
    }

    @Test
    void a_package_for_other_hardware_is_refused_as_hw_version_failure() {
        Sim sim = new Sim(Sim.signed().hwVersion(53).build());

        Runs.Result r = sim.update(Sim.fixture(Fixtures.APP_24K), sim.options().build());

        assertRefused(r, sim, OpCode.EXECUTE, ResultCode.EXTENDED_ERROR, ExtendedError.HW_VERSION_FAILURE);
    }

    @Test
    void an_application_for_another_softdevice_is_refused_as_sd_version_failure() {
        Sim sim = new Sim(Sim.signed().softDeviceId(0x0100).build());

        Runs.Result r = sim.update(Sim.fixture(Fixtures.APP_24K), sim.options().build());

        assertRefused(r, sim, OpCode.EXECUTE, ResultCode.EXTENDED_ERROR, ExtendedError.SD_VERSION_FAILURE);
    }

    @Test
    void firmware_that_does_not_match_its_hash_fails_at_the_final_execute() {
        Sim sim = new Sim(Sim.signed().build());
        DfuPackage good = Sim.fixture(Fixtures.APP_24K);
        byte[] changed = good.images().get(0).firmware();
        changed[1000] ^= 0x01;

        Runs.Result r = sim.update(TestPackages.withFirmware(good, changed), sim.options().build());

        assertRefused(r, sim, OpCode.EXECUTE, ResultCode.EXTENDED_ERROR, ExtendedError.VERIFICATION_FAILED);
        assertThat(r.finalSummary().objectsExecuted()).isEqualTo(6);
    }

    @Test
    void the_tampered_fixture_is_refused_before_any_device_is_touched() {
        assertThatThrownBy(() -> new DfuPackageReader().read(Fixtures.TAMPERED, Fixtures.bytes(Fixtures.TAMPERED)))
                .isInstanceOfSatisfying(PackageException.class,
                        e -> assertThat(e.fault()).isEqualTo(PackageException.Fault.HASH_MISMATCH));
    }
}

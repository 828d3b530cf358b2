package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.transfer.ResumePlanner.CommandPlan;
import dev.reactivedfu.transfer.ResumePlanner.DataPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * DESIGN.md "Resume or restart", one row per rule: what SELECT reports (offset, and whether its CRC matches the
 * local image there) against the plan the engine must follow.
 */
class ResumePlannerTest {

    /** 10,000 bytes: objects [0, 4096), [4096, 8192) and a short last one [8192, 10000). */
    private static final LocalImage FIRMWARE = image(10_000, 1);
    /** A 143-byte init packet, as the fixtures have. */
    private static final LocalImage INIT = image(143, 2);
    private static final long MAX_COMMAND = 512;
    private static final long MAX_DATA = 4096;

    private static LocalImage image(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return new LocalImage(b);
    }

    /** The CRC the device would report at {@code offset}: the image's, or a wrong one. */
    private static long crc(LocalImage image, long offset, boolean matches) {
        long good = image.crcAt(Math.min(offset, image.size()));
        return matches && offset <= image.size() ? good : good ^ 0x5A5A5A5AL;
    }

    private static DfuResponse.Select command(long offset, boolean matches) {
        return new DfuResponse.Select(MAX_COMMAND, offset, crc(INIT, offset, matches));
    }

    private static DfuResponse.Select data(long offset, boolean matches) {
        return new DfuResponse.Select(MAX_DATA, offset, crc(FIRMWARE, offset, matches));
    }

    static Stream<Arguments> commandRules() {
        return Stream.of(
                // rule, command offset, CRC matches, data offset, forced restart -> plan
                arguments("restart forced: create even when all is there", 143L, true, 0L, true,
                        CommandPlan.Create.class),
                arguments("offset 0: nothing there", 0L, true, 0L, false, CommandPlan.Create.class),
                arguments("offset beyond the init packet: a different one", 144L, true, 0L, false,
                        CommandPlan.Create.class),
                arguments("CRC mismatch inside: a different or broken one", 64L, false, 0L, false,
                        CommandPlan.Create.class),
                arguments("CRC mismatch at full length: a different one", 143L, false, 4096L, false,
                        CommandPlan.Create.class),
                arguments("match inside: send the rest", 64L, true, 0L, false, CommandPlan.Resume.class),
                arguments("match at full length, no data progress: execute", 143L, true, 0L, false,
                        CommandPlan.Execute.class),
                arguments("match at full length, data progress: executed before, do not execute again", 143L,
                        true, 4096L, false, CommandPlan.Skip.class),
                arguments("match at full length, data progress mid-object: still not executed again", 143L, true,
                        100L, false, CommandPlan.Skip.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandRules")
    void command_object_rule(String rule, long offset, boolean matches, long dataOffset, boolean force,
                             Class<? extends CommandPlan> expected) {
        CommandPlan plan = ResumePlanner.planCommand(command(offset, matches), data(dataOffset, true), INIT, force);

        assertThat(plan).isInstanceOf(expected);
        if (plan instanceof CommandPlan.Resume resume) {
            assertThat(resume.offset()).isEqualTo(offset);
        }
    }

    static Stream<Arguments> dataRules() {
        return Stream.of(
                // rule, data offset, CRC matches -> plan
                arguments("offset 0: start with object 0", 0L, true, new DataPlan.Start(0)),
                arguments("offset beyond the image: restart the image", 10_001L, true,
                        DataPlan.RestartImage.class),
                arguments("match on the first boundary: execute object 0", 4096L, true, new DataPlan.Execute(0)),
                arguments("match on an inner boundary: execute object 1", 8192L, true, new DataPlan.Execute(1)),
                arguments("match at the end of the short last object: execute it", 10_000L, true,
                        new DataPlan.Execute(2)),
                arguments("match inside object 0: send the rest", 100L, true, new DataPlan.Resume(0, 100)),
                arguments("match inside object 1: send the rest", 5000L, true, new DataPlan.Resume(1, 5000)),
                arguments("match one byte into an object: send the rest", 4097L, true,
                        new DataPlan.Resume(1, 4097)),
                arguments("mismatch inside object 0: re-create it", 100L, false, new DataPlan.Recreate(0)),
                arguments("mismatch on a boundary: re-create the object that ends there", 4096L, false,
                        new DataPlan.Recreate(0)),
                arguments("mismatch one byte into object 1: re-create object 1", 4097L, false,
                        new DataPlan.Recreate(1)),
                arguments("mismatch at the image end: re-create the last object", 10_000L, false,
                        new DataPlan.Recreate(2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dataRules")
    void data_object_rule(String rule, long offset, boolean matches, Object expected) {
        DataPlan plan = ResumePlanner.planData(data(offset, matches), FIRMWARE);

        if (expected instanceof Class<?> type) {
            assertThat(plan).isInstanceOf(type);
        } else {
            assertThat(plan).isEqualTo(expected);
        }
    }

    @Test
    void a_restart_beyond_the_image_carries_what_the_device_reported() {
        DataPlan plan = ResumePlanner.planData(new DfuResponse.Select(MAX_DATA, 20_000, 0x1234), FIRMWARE);

        assertThat(plan).isInstanceOfSatisfying(DataPlan.RestartImage.class, r -> {
            assertThat(r.offset()).isEqualTo(20_000);
            assertThat(r.crc()).isEqualTo(0x1234);
            assertThat(r.reason()).contains("20000").contains("10000");
        });
    }

    static Stream<Arguments> recreateRules() {
        return Stream.of(
                // object re-created, device now reports offset, CRC matches -> plan
                arguments("device agrees at the object's start: send it", 1, 4096L, true,
                        new DataPlan.SendCreated(1)),
                arguments("device agrees at the start of object 0", 0, 0L, true, new DataPlan.SendCreated(0)),
                arguments("device still reports the old offset: restart the image", 1, 5000L, true,
                        DataPlan.RestartImage.class),
                arguments("device at an earlier boundary: still disagrees, restart the image", 2, 4096L, true,
                        DataPlan.RestartImage.class),
                arguments("device at the start but its CRC is wrong: restart the image", 1, 4096L, false,
                        DataPlan.RestartImage.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recreateRules")
    void after_recreating_an_object_the_device_must_agree_at_its_start(String rule, int index, long offset,
                                                                        boolean matches, Object expected) {
        DataPlan plan = ResumePlanner.afterRecreate(data(offset, matches), FIRMWARE, index);

        if (expected instanceof Class<?> type) {
            assertThat(plan).isInstanceOf(type);
        } else {
            assertThat(plan).isEqualTo(expected);
        }
    }

    static Stream<Arguments> notPermittedRules() {
        return Stream.of(
                // EXECUTE of object index answered 0x08; SELECT then shows offset, CRC matches -> plan
                arguments("object complete and verified: already executed, go on", 0, 4096L, true,
                        new DataPlan.Start(1)),
                arguments("last object complete: its EXECUTE would have activated, re-create it", 2, 10_000L, true,
                        new DataPlan.Recreate(2)),
                arguments("device holds less: plan afresh (resume inside)", 1, 5000L, true,
                        new DataPlan.Resume(1, 5000)),
                arguments("device's CRC is wrong: plan afresh (re-create)", 0, 4096L, false,
                        new DataPlan.Recreate(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notPermittedRules")
    void execute_not_permitted_at_a_boundary_is_verified_with_select(String rule, int index, long offset,
                                                                    boolean matches, DataPlan expected) {
        assertThat(ResumePlanner.afterNotPermitted(data(offset, matches), FIRMWARE, index)).isEqualTo(expected);
    }

    @Test
    void after_the_last_object_the_image_is_done() {
        assertThat(ResumePlanner.next(FIRMWARE.layout(MAX_DATA), 1)).isEqualTo(new DataPlan.Start(2));
        assertThat(ResumePlanner.next(FIRMWARE.layout(MAX_DATA), 2)).isEqualTo(new DataPlan.Done());
    }
}

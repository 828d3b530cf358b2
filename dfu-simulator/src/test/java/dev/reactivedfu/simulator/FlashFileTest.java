package dev.reactivedfu.simulator;

import dev.reactivedfu.archive.Fixtures;
import dev.reactivedfu.protocol.OpCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** {@link FlashFile}: what {@code dfu simulate --flash FILE} leaves in the file, whoever saves and when. */
class FlashFileTest {

    @TempDir
    Path dir;

    @Test
    void the_file_holds_the_application_activated_by_the_reset_after_the_final_execute() throws Exception {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.builder()
                .publicKey(Fixtures.publicKey()).build(), vts);
        FlashFile file = new FlashFile(device, dir.resolve("flash.bin"));
        file.save();
        device.onReset(file::saveQuietly);
        SimulatorTransport transport = new SimulatorTransport("sim", device);

        StepVerifier.withVirtualTime(() -> HappyPathTest.flash(transport, Fixtures.APP_24K, 0), () -> vts,
                        Long.MAX_VALUE)
                .assertNext(answers -> assertThat(answers)
                        .allMatch(a -> ScriptedHost.isSuccess(a, OpCode.EXECUTE), "final EXECUTE succeeded"))
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        // written by the reset listener alone: nobody saved after the update
        SimulatedDevice restored = SimulatedDevice.restore(device.config(), VirtualTimeScheduler.create(),
                Files.readAllBytes(dir.resolve("flash.bin")));
        assertThat(restored.application()).hasValueSatisfying(app ->
                assertThat(app).isEqualTo(Fixtures.application(Fixtures.APP_24K)));
        restored.dispose();
    }

    /**
     * The flake of {@code FlashOverPtyTest}: the reset after the rerun's final EXECUTE ran the saving reset listener
     * (device lock held, then the saver's) while {@code dfu simulate}'s loop was saving (saver's lock held, then the
     * device's). Both waited for ever, the shutdown hook waited behind them, the test's SIGKILL came 10 s later, and
     * the file held the flash from before the final EXECUTE: "holds no valid application".
     */
    @Test
    void a_reset_listener_saving_while_the_polling_loop_saves_does_not_deadlock() throws Exception {
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.builder().build(), Schedulers.single());
        FlashFile file = new FlashFile(device, dir.resolve("flash.bin"));
        CountDownLatch listenerHoldsTheDevice = new CountDownLatch(1);
        CountDownLatch loopIsWaiting = new CountDownLatch(1);

        Thread worker = new Thread(() -> {
            synchronized (device) { // as the device runs its reset listeners
                listenerHoldsTheDevice.countDown();
                awaitQuietly(loopIsWaiting);
                file.saveQuietly();
            }
        }, "reset-listener");
        Thread loop = new Thread(() -> {
            awaitQuietly(listenerHoldsTheDevice);
            file.saveIfChanged();
        }, "polling-loop");
        worker.setDaemon(true); // a deadlock must fail this test, not hang the test JVM
        loop.setDaemon(true);
        worker.start();
        loop.start();
        // the loop is inside saveIfChanged, waiting for the device the listener holds
        while (loop.getState() != Thread.State.BLOCKED && loop.isAlive()) {
            Thread.onSpinWait();
        }
        loopIsWaiting.countDown();
        worker.join(10_000);
        loop.join(10_000);
        boolean deadlocked = worker.isAlive() || loop.isAlive();
        if (deadlocked) {
            worker.interrupt();
            loop.interrupt();
        }

        assertThat(deadlocked).as("reset listener and polling loop deadlocked").isFalse();
        assertThat(Files.readAllBytes(dir.resolve("flash.bin"))).isEqualTo(device.flashImage());
        device.dispose();
    }

    @Test
    void saves_after_close_leave_the_final_image_and_do_not_touch_a_disposed_device() throws Exception {
        SimulatedDevice device = SimulatedDevice.create(SimulatorConfig.builder().build(), Schedulers.single());
        FlashFile file = new FlashFile(device, dir.resolve("flash.bin"));
        file.close();
        byte[] closedWith = Files.readAllBytes(dir.resolve("flash.bin"));
        device.enterDfu(); // rewrites the settings: a newer generation
        device.dispose();

        // a shutdown hook running after the command's own final save and the device's disposal
        assertThatCode(() -> {
            file.save();
            file.saveIfChanged();
            file.close();
        }).doesNotThrowAnyException();
        assertThat(Files.readAllBytes(dir.resolve("flash.bin"))).isEqualTo(closedWith);
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temp file left behind").containsExactly(dir.resolve("flash.bin"));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

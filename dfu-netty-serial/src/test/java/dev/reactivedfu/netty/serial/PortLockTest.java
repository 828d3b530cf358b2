package dev.reactivedfu.netty.serial;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exclusive use of a port within this process (across processes: StationOverPtyTest in dfu-cli). */
class PortLockTest {

    @TempDir
    Path dir;

    @Test
    void a_second_lease_of_a_port_is_refused_as_busy_until_the_first_is_released() throws Exception {
        Path port = Files.createFile(dir.resolve("ttyFAKE"));
        try (PortLock first = PortLock.lease(port.toString())) {
            assertThatThrownBy(() -> PortLock.lease(port.toString()))
                    .isInstanceOf(SerialPortException.class).hasMessageContaining("port busy");
        }
        PortLock.lease(port.toString()).close();
    }

    @Test
    void every_name_of_one_device_shares_one_lock() throws Exception {
        Path port = Files.createFile(dir.resolve("ttyFAKE"));
        Path link = Files.createSymbolicLink(dir.resolve("by-path-link"), port);
        try (PortLock held = PortLock.lease(link.toString())) {
            assertThatThrownBy(() -> PortLock.lease(port.toString())).hasMessageContaining("port busy");
        }
    }

    @Test
    void inside_a_lease_one_channel_at_a_time_may_open_the_port() throws Exception {
        Path port = Files.createFile(dir.resolve("ttyFAKE"));
        try (PortLock lease = PortLock.lease(port.toString())) {
            PortLock channel = PortLock.forChannel(port.toString());
            assertThatThrownBy(() -> PortLock.forChannel(port.toString())).hasMessageContaining("port busy");
            channel.close();
            PortLock again = PortLock.forChannel(port.toString());
            again.close();
            assertThatThrownBy(() -> PortLock.lease(port.toString())).as("the lease still holds it")
                    .hasMessageContaining("port busy");
        }
        try (PortLock alone = PortLock.forChannel(port.toString())) {
            assertThat(alone.path()).isEqualTo(port.toString());
            assertThatThrownBy(() -> PortLock.lease(port.toString())).hasMessageContaining("port busy");
        }
    }
}

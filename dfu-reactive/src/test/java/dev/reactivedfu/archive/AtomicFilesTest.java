package dev.reactivedfu.archive;

import dev.reactivedfu.error.PackageException;
import dev.reactivedfu.error.PackageException.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Outputs appear whole or not at all. */
class AtomicFilesTest {

    @Test
    void a_new_file_gets_the_bytes_and_nothing_else_is_left_in_the_directory(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.bin");

        AtomicFiles.write(out, new byte[] {1, 2, 3});

        assertThat(Files.readAllBytes(out)).containsExactly(1, 2, 3);
        assertThat(list(dir)).containsExactly(out);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r--r--");
    }

    @Test
    void a_failing_writer_leaves_the_old_file_untouched_and_no_temporary_file(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.hex");
        Files.writeString(out, "old");

        assertThatThrownBy(() -> AtomicFiles.write(out, stream -> {
            stream.write(new byte[10_000]);
            throw new IOException("disk full");
        }))
                .isInstanceOfSatisfying(PackageException.class, e -> assertThat(e.fault()).isEqualTo(Fault.IO))
                .hasMessageContaining("disk full");

        assertThat(Files.readString(out)).isEqualTo("old");
        assertThat(list(dir)).containsExactly(out);
    }

    @Test
    void a_failing_writer_creates_no_file_where_there_was_none(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("new.zip"), stream -> {
            throw new IllegalStateException("signing failed");
        })).isInstanceOf(PackageException.class).hasMessageContaining("signing failed");

        assertThat(list(dir)).isEmpty();
    }

    @Test
    void an_existing_file_is_replaced_whole_keeping_its_mode(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.hex");
        Files.writeString(out, "a much longer old content than the new one");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw----"));

        AtomicFiles.write(out, new byte[] {'n', 'e', 'w'});

        assertThat(Files.readString(out)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-rw----");
    }

    @Test
    void a_private_file_is_readable_by_its_owner_only(@TempDir Path dir) throws IOException {
        Path key = dir.resolve("key.pem");

        AtomicFiles.writePrivate(key, stream -> stream.write('k'));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void a_missing_directory_or_a_directory_target_is_refused_in_one_line(@TempDir Path dir) {
        assertThatThrownBy(() -> AtomicFiles.write(dir.resolve("nope/out.hex"), new byte[1]))
                .isInstanceOf(PackageException.class)
                .hasMessage(dir.resolve("nope/out.hex") + ": cannot write: directory " + dir.resolve("nope")
                        + " does not exist");
        assertThatThrownBy(() -> AtomicFiles.write(dir, new byte[1]))
                .isInstanceOf(PackageException.class)
                .hasMessage(dir + ": cannot write: it is a directory");
    }

    private static java.util.List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}

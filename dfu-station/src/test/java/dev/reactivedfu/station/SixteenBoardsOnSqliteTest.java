package dev.reactivedfu.station;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link SixteenBoardsContract} with records in a SQLite file. */
class SixteenBoardsOnSqliteTest extends SixteenBoardsContract {

    @TempDir
    Path dir;

    @Override
    String jdbcUrl() {
        return "jdbc:sqlite:" + dir.resolve("station.db");
    }
}

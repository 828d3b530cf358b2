/**
 * A record per board: every update attempt is a row, written when it starts and completed when it ends, in SQLite
 * (default {@code station.db}) or PostgreSQL through one JDBC code path, the schema migrated by Flyway
 * ({@code db/station} on the class path); report queries and their table, CSV and JSON forms.
 */
package dev.reactivedfu.station.records;

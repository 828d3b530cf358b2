-- One row per update attempt, written when the attempt starts (result 'running') and completed when it ends.
-- Portable SQL: the same file migrates SQLite and PostgreSQL. Times are ISO-8601 UTC text (sortable).
CREATE TABLE board_record (
    id              VARCHAR(36)   NOT NULL PRIMARY KEY,
    station         VARCHAR(200)  NOT NULL,
    socket          VARCHAR(200)  NOT NULL,
    port            VARCHAR(500)  NOT NULL,
    adapter_serial  VARCHAR(200),
    board           VARCHAR(200),
    started_at      VARCHAR(40)   NOT NULL,
    ended_at        VARCHAR(40),
    package_file    VARCHAR(1000) NOT NULL,
    package_sha256  VARCHAR(64)   NOT NULL,
    hardware_before VARCHAR(500),
    firmware_before VARCHAR(2000),
    result          VARCHAR(20)   NOT NULL,
    error_type      VARCHAR(200),
    error           VARCHAR(4000),
    advice          VARCHAR(4000),
    bytes_sent      BIGINT        NOT NULL,
    bytes_resent    BIGINT        NOT NULL,
    retries         INTEGER       NOT NULL,
    duration_ms     BIGINT,
    resumes         VARCHAR(36)
);
CREATE INDEX board_record_started ON board_record (started_at);
CREATE INDEX board_record_result ON board_record (station, result);

-- Working tables for gateway ingest. gw_a: one row per console payload (after the docker/compose/journald
-- wrapper is taken off); gw_stage: one row per log record with its stamp, level, subsystem and message.
CREATE OR REPLACE TEMP TABLE gw_a (
  line_no BIGINT, line_count INTEGER, daemon_ts_text VARCHAR, container VARCHAR, stream VARCHAR, payload VARCHAR);
CREATE OR REPLACE TEMP TABLE gw_stage (
  line_no BIGINT, line_count INTEGER, daemon_ts_text VARCHAR, container VARCHAR, stream VARCHAR,
  shape VARCHAR, ts_text VARCHAR, ts TIMESTAMPTZ, tz_assumed BOOLEAN, level VARCHAR, subsystem VARCHAR,
  message VARCHAR, meta VARCHAR);

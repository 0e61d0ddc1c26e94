-- gw_stage: one row per gateway log record with its stamp, level, subsystem and message (filled by console.sql,
-- tslog or openclaw-logs, read by events.sql).
CREATE OR REPLACE TEMP TABLE gw_stage (
  line_no BIGINT, line_count INTEGER, daemon_ts_text VARCHAR, container VARCHAR, stream VARCHAR,
  shape VARCHAR, ts_text VARCHAR, ts TIMESTAMPTZ, tz_assumed BOOLEAN, level VARCHAR, subsystem VARCHAR,
  message VARCHAR, meta VARCHAR);

-- The payloads table every envelope fills and every payload format reads: one row per record the
-- envelope carried, cited by the first physical line it came from (line_count: how many it spans), with the envelope's
-- stamp (docker's receive time, a syslog RFC 5424 stamp), the container (or syslog tag) and stream it names.
CREATE OR REPLACE TEMP TABLE payloads (
  line_no BIGINT, line_count INTEGER, daemon_ts_text VARCHAR, container VARCHAR, stream VARCHAR, payload VARCHAR);

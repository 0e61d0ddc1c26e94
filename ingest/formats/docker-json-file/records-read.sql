-- The records as read_json read them (one per line, in file order).
CREATE OR REPLACE TEMP VIEW jf AS
SELECT rowid - {{rowbase}} AS line_no, log, stream, time, false AS bad, false AS not_json FROM raw_records;

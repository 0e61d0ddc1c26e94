-- docker json-file records read by DuckDB's JSON reader, the columns named (no sniffing; a missing one is a NULL). Used
-- when it yields one row per line of the file, each with a "log" (ingest checks the counts, else reads raw_lines).
CREATE OR REPLACE TEMP TABLE raw_records AS
SELECT log, stream, time
FROM read_json({{path}}, format = 'newline_delimited', columns = {'log': 'VARCHAR', 'stream': 'VARCHAR', 'time': 'VARCHAR'},
               compression = {{compression}}, maximum_object_size = {{max_line}});

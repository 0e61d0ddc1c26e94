// One source's accounting as the CLI prints it.
import type { Store } from '../case/store.js';

export interface SourceSummary {
  source_id: number;
  path: string;
  kind: string;
  format: string;
  status: string;
  total_lines: number;
  parsed_lines: number;
  rejected_lines: number;
  first_ts: string | null;
  last_ts: string | null;
  tz: string;
  note: string | null;
}

export async function summaryOf(store: Store, sourceId: number): Promise<SourceSummary> {
  return (await store.one<SourceSummary>(`SELECT source_id, path, kind, format, status, total_lines::INTEGER AS total_lines,
      parsed_lines::INTEGER AS parsed_lines, rejected_lines::INTEGER AS rejected_lines, strftime(first_ts, '%Y-%m-%dT%H:%M:%SZ') AS first_ts,
      strftime(last_ts, '%Y-%m-%dT%H:%M:%SZ') AS last_ts, coalesce(tz, 'none') AS tz, note FROM sources WHERE source_id = ${sourceId}`))!;
}

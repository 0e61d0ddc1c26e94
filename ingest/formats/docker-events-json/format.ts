// `docker events --format '{{json .}}'` (old and new Engine fields). Its SQL lives with the docker evidence
// (ingest/docker/events-json.sql).
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../../lib/paths.js';
import type { LineFormat } from '../format.js';

export const format: LineFormat = {
  name: 'docker-events-json',
  kind: 'docker-events',
  role: 'file',
  reads: '`docker events` JSON (old and new Engine fields)',
  claims: (_l, j) => !!j && ('Action' in j || 'status' in j) && ('timeNano' in j || 'time' in j) && ('Actor' in j || 'id' in j),
  scripts: () => [readFileSync(fromRoot('ingest', 'docker', 'events-json.sql'), 'utf8')],
};

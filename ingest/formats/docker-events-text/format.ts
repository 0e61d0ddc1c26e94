// `docker events` as text. Its SQL lives with the docker evidence (ingest/docker/events-text.sql).
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../../lib/paths.js';
import type { LineFormat } from '../format.js';

// `TIME TYPE ACTION ID (key=value, …)`: the attribute list is what sets it apart from a client's `node host …` line
const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) (?:container|image|network|volume|daemon|plugin|service|node|secret|config|builder) \S.* \S+ \([^()=]+=.*\)$/;

export const format: LineFormat = {
  name: 'docker-events-text',
  kind: 'docker-events',
  role: 'file',
  reads: '`docker events` text',
  claims: (line) => LINE.test(line),
  scripts: () => [readFileSync(fromRoot('ingest', 'docker', 'events-text.sql'), 'utf8')],
};

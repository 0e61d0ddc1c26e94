// The attribution engine: every mechanism (mechanisms/*.sql, one file each) scores the episodes it can explain
// against the candidate changes that could have caused them; the rows go to the `attributions` table, and the
// views `episode_verdicts` / `attributed_findings` (case/views.sql) pick, per episode, the best cause and the
// runner-up; the findings are kept once in the table `attributed_causes` for the cause queries. A mechanism file is a YAML header (what triggers it, the symptoms it explains and those that contradict
// it, its lag model, the paths it affects, which canned query reports it, what to do) over one SELECT that returns
// one row per episode × candidate with the score parts. The heavy lifting is SQL; this file orchestrates.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../lib/paths.js';
import { inLanes } from '../lib/lanes.js';
import { lit } from '../lib/sql.js';
import type { Store } from '../case/store.js';
import { splitSqlHeader } from './header.js';

export interface MechanismSpec {
  id: string;
  title: string;
  query: string;              // the canned query whose findings carry this mechanism's episodes
  explains: string[];         // symptom families it explains
  contradicts: string[];      // symptom families that speak against it
  triggers: string;           // the changes that set it off (kinds and keys), in words
  lag: string;                // its lag model, in words
  paths: string;              // which paths it affects, in words
  planned: boolean;           // its causes are planned work (reported low)
  wholePath: boolean;         // it fails every connection of the paths it affects, however few the symptoms logged
  remediation: string;
  file: string;
  sql: string;
}

/** The columns every mechanism's SELECT returns (attributions without mechanism and score). */
export const MECHANISM_COLUMNS = ['episode_id', 'change_id', 'trigger_id', 'fix_id', 'explained', 'key_match', 'path_match', 'lag_fit', 'planned',
  'lag_s', 'headline', 'why', 'missing', 'facts'];

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

export function parseMechanismFile(file: string, text: string): MechanismSpec {
  const { meta, sql } = splitSqlHeader(file, text, 'mechanism');
  for (const k of ['id', 'title', 'query', 'explains', 'triggers', 'lag', 'paths', 'remediation']) if (!meta[k]) throw new Error(`${file}: header has no ${k}`);
  return {
    id: String(meta.id), title: String(meta.title), query: String(meta.query), explains: list(meta.explains), contradicts: list(meta.contradicts),
    triggers: String(meta.triggers).trim(), lag: String(meta.lag).trim(), paths: String(meta.paths).trim(), planned: meta.planned === true,
    wholePath: meta.impact === 'path',
    remediation: String(meta.remediation).trim(), file, sql,
  };
}

export function loadMechanisms(dir = fromRoot('mechanisms')): MechanismSpec[] {
  return readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => parseMechanismFile(join(dir, f), readFileSync(join(dir, f), 'utf8')));
}

/**
 * Refills `attributions` (and `mechanism_catalog`) when the derived tables changed since the last run. The score of a
 * row: the share of the episode's symptoms it explains (0.4), key match (0.15), path match (0.15) and lag fit (0.3).
 */
export async function attribute(store: Store, mechanisms = loadMechanisms()): Promise<void> {
  const state = (await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'derived_state'`))?.value ?? '';
  const stamp = `${state}|${mechanisms.map((m) => `${m.id}:${m.sql.length}`).join(',')}`;
  const done = await store.one<{ value: string }>(`SELECT value FROM case_meta WHERE key = 'attribution_state'`);
  if (done?.value === stamp) return;
  // the catalog in one call: a round trip per statement is most of what a small statement costs
  const catalog = mechanisms.map((m) => `(${lit(m.id)}, ${lit(m.title)}, ${lit(m.query)}, ${lit(m.remediation)}, ${m.planned}, ${m.wholePath}, ${lit(m.explains.join(','))})`);
  await store.run(`DELETE FROM attributions;\nDELETE FROM mechanism_catalog${catalog.length ? `;\nINSERT INTO mechanism_catalog VALUES ${catalog.join(', ')}` : ''}`);
  // the mechanisms read the derived tables and only append to attributions: two connections run them side by side
  const other = await store.connect();
  try {
    await inLanes([store, other], mechanisms, async (lane, m) => {
      try {
        await lane.run(`INSERT INTO attributions
          SELECT m.episode_id, ${lit(m.id)}, m.change_id, m.trigger_id, m.fix_id, m.explained, m.key_match, m.path_match, m.lag_fit, m.planned,
                 round(0.4 * least(1, m.explained / greatest(e.symptoms, 1)) + 0.15 * coalesce(m.key_match, 0) + 0.15 * coalesce(m.path_match, 0)
                       + 0.3 * coalesce(m.lag_fit, 0), 3),
                 m.lag_s, m.headline, m.why, m.missing, m.facts
          FROM (${m.sql}) m JOIN episodes e USING (episode_id)
          WHERE m.explained > 0`);
      } catch (err) {
        throw new Error(`mechanism ${m.id} (${m.file}): ${(err as Error).message.split('\n')[0]}`);
      }
    });
  } finally {
    other.close();
  }
  // the findings of attribution, computed once for the cause queries that read them
  await store.run('CREATE OR REPLACE TABLE attributed_causes AS SELECT * FROM attributed_findings');
  await store.run(`INSERT OR REPLACE INTO case_meta VALUES ('attribution_state', ${lit(stamp)})`);
}

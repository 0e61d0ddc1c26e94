// npm run gen:secret-rules: writes what case/secret-rules.ts generates — the redact() macro (case/redact.sql) and the
// sed rules of the POSIX collector (the generated section of collect/collect.sh). A test fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fromRoot } from '../lib/paths.js';
import { renderRedactSql, withSedRules } from '../case/secret-rules.js';

const sql = fromRoot('case', 'redact.sql');
writeFileSync(sql, renderRedactSql());
const sh = fromRoot('collect', 'collect.sh');
writeFileSync(sh, withSedRules(readFileSync(sh, 'utf8')));
process.stdout.write(`written: ${sql}\n         ${sh} (generated section)\n`);

// The secret rules (case/secret-rules.ts) are one table: the generated redact() macro and collect.sh's sed rules
// must match it, and every rule proves itself on its own examples in each engine that applies it — DuckDB (redact()),
// JavaScript (redactText) and sed (GNU sed and busybox sed, as a host without Node has one or the other).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../case/store.js';
import { isSecretName } from '../case/secrets.js';
import { SECRET_RULES, TEXT_MASK, redactText, rejectRaw, renderRedactSql, renderSedRules, withSedRules } from '../case/secret-rules.js';
import { lit } from '../lib/sql.js';
import { fromRoot } from '../lib/paths.js';
import { tempDir } from './helpers.js';

const textExamples = SECRET_RULES.filter((r) => r.text).flatMap((r) => [
  ...r.examples.redacts.map((e) => ({ rule: r.id, line: e, redacts: true })), ...r.examples.keeps.map((e) => ({ rule: r.id, line: e, redacts: false }))]);
const shExamples = SECRET_RULES.filter((r) => r.sh && !r.sedCommand).flatMap((r) => [
  ...r.examples.redacts.map((e) => ({ rule: r.id, line: e, redacts: true })), ...r.examples.keeps.map((e) => ({ rule: r.id, line: e, redacts: false }))]);

describe('secret rules', () => {
  it('the generated redact() macro and collect.sh rules are in sync with the table (npm run gen:secret-rules)', () => {
    expect(readFileSync(fromRoot('case', 'redact.sql'), 'utf8')).toBe(renderRedactSql());
    const sh = readFileSync(fromRoot('collect', 'collect.sh'), 'utf8');
    expect(withSedRules(sh)).toBe(sh);
  });

  it('every rule has examples, and the patterns stay in the dialect the three engines share', () => {
    for (const r of SECRET_RULES) {
      if (r.sedCommand) continue;
      expect(r.examples.redacts.length, r.id).toBeGreaterThan(0);
      expect(r.examples.keeps.length, r.id).toBeGreaterThan(0);
      expect(r.find, r.id).not.toMatch(/\(\?|\\b|\\w/);
    }
  });

  it('JavaScript: redactText removes every secret example and leaves every clean one alone', () => {
    for (const e of textExamples) {
      const out = redactText(e.line);
      if (e.redacts) {
        expect(out, `${e.rule}: ${e.line}`).not.toContain('SECRET');
        expect(out, `${e.rule}: ${e.line}`).toContain(TEXT_MASK);
      } else expect(out, `${e.rule}: ${e.line}`).toBe(e.line);
    }
    // a value already fingerprinted by the collector keeps its marker
    expect(redactText('OPENCLAW_GATEWAY_TOKEN=clawtrail-fp:hmac:0123456789abcdef01234567:hex48')).toBe('OPENCLAW_GATEWAY_TOKEN=clawtrail-fp:hmac:0123456789abcdef01234567:hex48');
  });

  it('DuckDB: redact() agrees with redactText on every example', async () => {
    const store = await Store.open(':memory:');
    try {
      const rows = await store.all<{ i: number; v: string }>(`SELECT i, redact(v) AS v FROM (VALUES ${textExamples.map((e, i) => `(${i}, ${lit(e.line)})`).join(', ')}) t(i, v) ORDER BY i`);
      for (const r of rows) expect(r.v, textExamples[Number(r.i)].line).toBe(redactText(textExamples[Number(r.i)].line));
      // reject_raw() and its TypeScript twin agree too, control bytes and length included
      const raw = [...textExamples.map((e) => e.line), 'bad \x01\x1b[31m bytes\x7f token=SECRETSECRET', 'é'.repeat(600)];
      const cited = await store.all<{ i: number; v: string }>(`SELECT i, reject_raw(v) AS v FROM (VALUES ${raw.map((l, i) => `(${i}, ${lit(l)})`).join(', ')}) t(i, v) ORDER BY i`);
      for (const r of cited) expect(r.v, raw[Number(r.i)]).toBe(rejectRaw(raw[Number(r.i)]));
    } finally {
      store.close();
    }
  });

  for (const sed of [['sed'], ['busybox', 'sed']]) {
    it(`sed: ${sed.join(' ')} -E with the collector's rules withholds every secret example and keeps the clean ones`, () => {
      if (sed[0] === 'busybox' && !existsSync('/bin/busybox') && spawnSync('busybox', ['true']).status !== 0) return;
      const dir = tempDir();
      writeFileSync(join(dir, 'rules.sed'), renderSedRules());
      for (const e of shExamples) {
        const r = spawnSync(sed[0], [...sed.slice(1), '-E', '-f', join(dir, 'rules.sed')], { input: e.line + '\n', encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        if (e.redacts) expect(r.stdout, `${e.rule}: ${e.line}`).not.toContain('SECRET');
        else expect(r.stdout, `${e.rule}: ${e.line}`).toBe(e.line + '\n');
      }
      // the block-sequence rule: the item after "- --token" is withheld
      const r = spawnSync(sed[0], [...sed.slice(1), '-E', '-f', join(dir, 'rules.sed')], { input: 'command:\n  - --token\n  - SECRET\n  - --port\n', encoding: 'utf8' });
      expect(r.stdout).toBe('command:\n  - --token\n  - clawtrail-withheld\n  - --port\n');
      // a secret-named value is withheld (ingest records it so), even when a shape rule also matches it
      const named = spawnSync(sed[0], [...sed.slice(1), '-E', '-f', join(dir, 'rules.sed')], { input: '      OPENCLAW_GATEWAY_TOKEN: abcdefabcdefabcdefabcdef0123\nOPENCLAW_GATEWAY_TOKEN="abcdefabcdefabcdefabcdef0123"\n', encoding: 'utf8' });
      expect(named.stdout).toBe('      OPENCLAW_GATEWAY_TOKEN: clawtrail-withheld\nOPENCLAW_GATEWAY_TOKEN="clawtrail-withheld"\n');
    });
  }

  it('names: token, password, secret, key-like names are secret; ordinary names are not', () => {
    for (const n of ['OPENCLAW_GATEWAY_TOKEN', 'gateway.auth.token', 'DB_PASSWORD', 'api-key', 'ANTHROPIC_API_KEY', 'sessionKey', 'CLAWTRAIL_FINGERPRINT_KEY',
      'STRIPE_KEY', 'OPENAI_KEY', 'DB_PASS', 'BASIC_AUTH', 'remoteToken', 'AWS_SECRET_ACCESS_KEY', 'SECRET_KEY_BASE', 'apiKey', 'APIKEY', 'x-api-key', 'GITHUB_CREDENTIALS']) expect(isSecretName(n), n).toBe(true);
    for (const n of ['OPENCLAW_STATE_DIR', 'TZ', 'gateway.bind', 'image', 'KEYBOARD', 'monkey', 'author', 'AUTHOR_EMAIL', 'passive', 'BYPASS_PROXY', 'TOKENS_PER_MINUTE', 'max_tokens',
      'OPENCLAW_TOKEN_FILE', 'tokenFingerprint', 'tlsFingerprint', 'mode', 'OPENCLAW_AUTH_MODE', 'passwordFile']) expect(isSecretName(n), n).toBe(false);
  });
});

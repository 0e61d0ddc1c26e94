// No secret survives (issue #17, item 4, "done when"): secrets of every kind planted in every input — compose command
// and healthcheck arguments, env names with KEY, .env URLs with passwords, openclaw.json env keys, arrays of {token}
// and deep nesting, inspect env and healthcheck output, proxy referers and user agents, gateway lines (JWT, Basic,
// x-api-key, password, provider keys), docker events, a commit message and config revisions in git — then a byte scan
// (what `strings` would find) over the case database, every report, every export and every output stream.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeTree } from './helpers.js';

const P = {
  composeCommand: 'cmdtok-7Hq2Lx9Pz4Wk', healthcheck: 'hctok-3Vb8Nm1Qa6Rt', composeStripe: 'stripevalue-Zx81Qw', envOpenai: 'openaienv-Pl0Km9',
  envDbUrl: 'dbpass-Yt55Rf', ocApiKey: 'ocapikey-Mn32Bv', ocArray: 'octokenarr-Gh71Jk', ocDeep: 'ocdeep-Wq44Er', inspectEnv: 'inspectkey-Ui09Op',
  healthOutput: 'hcout-As23Df', refToken: 'reftok-Gh56Jk', uaBearer: 'uabearer-Lz78Xc', refPassword: 'refpass-Vb90Nm', refApiKey: 'refapikey-Qw12Er',
  refUserinfo: 'userinfopw-Ty34Ui', gwJwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.jwtSigPlanted0123456789', gwBasic: 'basicplanted-Op45As',
  gwApiKey: 'xapikey-Df67Gh', gwPassword: 'pw-Jk89Lz!x', gwGithub: 'ghp_PlantedPlantedPlantedPlantedPlanted0', uaAws: 'AKIAPLANTEDPLANTEDX1',
  eventsPassword: 'evpass-Er45Ty', commitMessage: 'committok-Xc01Vb', gitRevision: 'gitrevtok-Nm23Qw', gitEnvKey: 'gitenvkey-Rt67Yu',
  gwHex48: 'c0ffee00'.repeat(6),
};

const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Tess', GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'Tess', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: '2026-04-13T09:00:00Z', GIT_COMMITTER_DATE: '2026-04-13T09:00:00Z' };
const git = (dir: string, args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, env: GIT_ENV });

function plantedBundle(): { dir: string; repo: string } {
  const ts = (s: number) => `2026-04-13T10:00:${String(s).padStart(2, '0')}.000Z`;
  const access = (s: number, path: string, referer: string, ua: string) => `192.0.2.1 - - [13/Apr/2026:10:00:${String(s).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" 200 612 "${referer}" "${ua}"`;
  const inspect = [{
    Id: 'a'.repeat(64), Name: '/openclaw-gateway-1', Created: '2026-04-13T09:00:00Z', RestartCount: 0, Image: 'sha256:' + 'f'.repeat(64),
    State: { Status: 'running', StartedAt: '2026-04-13T09:00:01Z', FinishedAt: '0001-01-01T00:00:00Z',
      Health: { Status: 'healthy', FailingStreak: 0, Log: [{ Start: '2026-04-13T10:00:00Z', End: '2026-04-13T10:00:01Z', ExitCode: 0, Output: `GET http://127.0.0.1:18789/healthz?token=${P.healthOutput} ok` }] } },
    HostConfig: { RestartPolicy: { Name: 'unless-stopped' } }, Mounts: [],
    Config: { Image: 'openclaw:2026.4', Env: ['HOME=/home/node', `OPENAI_KEY=${P.inspectEnv}`, 'TZ=UTC'], Labels: { 'com.docker.compose.project': 'openclaw', 'com.docker.compose.service': 'openclaw-gateway' } },
    NetworkSettings: { Networks: {} },
  }];
  const dir = writeTree({
    'compose/docker-compose.yml': `services:\n  openclaw-gateway:\n    image: openclaw:2026.4\n    command: ["openclaw", "gateway", "--token", "${P.composeCommand}"]\n`
      + `    environment:\n      STRIPE_KEY: ${P.composeStripe}\n      TZ: UTC\n    healthcheck:\n      test: ["CMD", "openclaw", "health", "--token", "${P.healthcheck}"]\n      interval: 30s\n`,
    'compose/.env': `OPENAI_KEY=${P.envOpenai}\nDATABASE_URL=postgres://app:${P.envDbUrl}@db:5432/app\nTZ=UTC\n`,
    'state/openclaw.json': `{\n  gateway: {\n    mode: 'local',\n    remotes: [{ url: 'wss://r1', token: '${P.ocArray}' }],\n  },\n  env: { ANTHROPIC_API_KEY: '${P.ocApiKey}' },\n`
      + `  commands: { deploy: { target: { db: { password: '${P.ocDeep}' } } } },\n}\n`,
    'docker/inspect-2026-04-13T10-00-00Z.json': JSON.stringify(inspect, null, 2),
    'proxy/nginx/access.log': [
      access(1, '/ws', `https://app.example.com/?token=${P.refToken}`, `curl/8.0 Authorization: Bearer ${P.uaBearer}`),
      access(2, '/login', `https://app.example.com/login?user=a&password=${P.refPassword}`, `Mozilla/5.0 ${P.uaAws}`),
      access(3, '/v1', `https://app.example.com/v1?api_key=${P.refApiKey}`, 'Mozilla/5.0'),
      access(4, '/', `https://admin:${P.refUserinfo}@app.example.com/`, 'Mozilla/5.0'),
    ].join('\n') + '\n',
    'logs/openclaw-gateway-1.log': [
      `${ts(1)} [ws] webchat connected conn=00000001-0000-4000-a000-000000000000 remote=192.0.2.1 client=webchat webchat v1 session ${P.gwJwt}`,
      `${ts(2)} [gateway] upstream call failed: Authorization: Basic ${P.gwBasic}`,
      `${ts(3)} [gateway] upstream call failed: x-api-key: ${P.gwApiKey}`,
      `${ts(4)} [gateway] login admin password ${P.gwPassword}`,
      `${ts(5)} [gateway] using GITHUB credentials ${P.gwGithub}`,
      `${ts(6)} [gateway] Gateway token: ${P.gwHex48}`,
      `${ts(7)} [ws] closed before connect conn=00000002-0000-4000-a000-000000000000 remote=192.0.2.1 fwd=n/a origin=https://admin:${P.refUserinfo}@x host=h ua=curl Bearer ${P.uaBearer} code=1008 reason=unauthorized`,
    ].join('\n') + '\n',
    'docker/events.jsonl': JSON.stringify({ Type: 'container', Action: `exec_start: sh -c mysql --password ${P.eventsPassword}`, Actor: { ID: 'a'.repeat(64), Attributes: { name: 'openclaw-gateway-1', 'com.docker.compose.service': 'openclaw-gateway' } }, time: 1776074401, timeNano: 1776074401000000000 }) + '\n',
  });
  const repo = tempDir('clawtrail-repo-');
  git(repo, ['init', '-q']);
  writeTree({ 'docker-compose.yml': `services:\n  gw:\n    image: openclaw:1\n    command: ["openclaw", "gateway", "--token", "${P.gitRevision}"]\n`, '.env': `OPENAI_KEY=${P.gitEnvKey}\n`, 'notes.md': `token=${P.gitRevision}\n` }, repo);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', `rotate the gateway token=${P.commitMessage} (oops)`]);
  return { dir, repo };
}

function filesUnder(d: string, out: string[] = []): string[] {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

describe('no planted secret survives', () => {
  it('in the case database, the reports, the exports (parquet, arrow, timesketch) and every output stream', () => {
    const { dir, repo } = plantedBundle();
    const out = tempDir();
    const db = join(out, 'case.duckdb');
    const runs = [runCli(['analyze', dir, '--git', repo, '--out', out, '--fingerprint-key', 'k-planted'])];
    expect([0, 2, 3]).toContain(runs[0].code);
    runs.push(runCli(['export', '--db', db, '--parquet', join(out, 'pq'), '--arrow', join(out, 'arrow'), '--timesketch', join(out, 'ts.jsonl')]));
    runs.push(runCli(['report', '--db', db, '--out', join(out, 'again')]));
    const tables = ['sources', 'rejects', 'gateway_events', 'proxy_requests', 'proxy_errors', 'containers', 'container_env', 'docker_events', 'config_values', 'commits', 'commit_files', 'findings', 'case_meta'];
    for (const t of tables) for (const fmt of ['--json', '--csv']) runs.push(runCli(['sql', '--db', db, fmt, `SELECT * FROM ${t}`]));
    for (const r of runs) expect(r.stderr, r.stderr).not.toMatch(/Error/);
    const files = filesUnder(out);
    expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    expect(files.some((f) => f.endsWith('.arrow'))).toBe(true);
    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(P)) {
      for (const [i, r] of runs.entries()) if ((r.stdout + r.stderr).includes(secret)) leaks.push(`${name} in the output of run ${i}`);
      for (const f of files) if (readFileSync(f).includes(Buffer.from(secret))) leaks.push(`${name} in ${f.slice(out.length)}`);
    }
    expect(leaks).toEqual([]);
    // and the evidence is still there: the values were fingerprinted or redacted, not dropped
    const cv = JSON.parse(runCli(['sql', '--db', db, '--json', `SELECT surface, key, value, secret_shape FROM config_values WHERE key IN ('services.openclaw-gateway.environment.STRIPE_KEY', 'OPENAI_KEY', 'env.ANTHROPIC_API_KEY', 'services.openclaw-gateway.command') ORDER BY key, surface`]).stdout);
    expect(cv).toEqual(expect.arrayContaining([
      expect.objectContaining({ key: 'services.openclaw-gateway.environment.STRIPE_KEY', value: null, secret_shape: 'other:18' }),
      expect.objectContaining({ key: 'env.ANTHROPIC_API_KEY', value: null }),
      expect.objectContaining({ key: 'services.openclaw-gateway.command', value: '["openclaw","gateway","--token","[REDACTED]"]' }),
    ]));
    const referers = JSON.parse(runCli(['sql', '--db', db, '--json', 'SELECT referer FROM proxy_requests ORDER BY line_no']).stdout).map((r: { referer: string }) => r.referer);
    expect(referers).toEqual(['https://app.example.com/?token=[REDACTED]', 'https://app.example.com/login?user=a&password=[REDACTED]', 'https://app.example.com/v1?api_key=[REDACTED]', 'https://admin:[REDACTED]@app.example.com/']);
  });
});

describe('the fingerprint key is never stored', () => {
  const config = (token = 'ab'.repeat(24)) => writeTree({ '.env': 'OPENCLAW_GATEWAY_TOKEN=' + token + '\n' });
  // new evidence with a secret of its own: the case's key must fingerprint it (added on purpose with --append)
  const more = () => config('cd'.repeat(24));
  it('only its own fingerprint is kept; another key is refused while the case holds fingerprints', () => {
    const db = join(tempDir(), 'case.duckdb');
    const key = 'my-distinctive-fingerprint-key-9f8e';
    const first = runCli(['ingest', config(), '--db', db, '--fingerprint-key', key]);
    expect(first.code).toBe(0);
    expect(readFileSync(db).includes(Buffer.from(key))).toBe(false);
    const meta = JSON.parse(runCli(['sql', '--db', db, '--json', 'SELECT key, value FROM case_meta ORDER BY key']).stdout);
    expect(meta.map((m: { key: string }) => m.key)).not.toContain('fingerprint_key');
    expect(meta.find((m: { key: string }) => m.key === 'fingerprint_key_id').value).toMatch(/^scrypt:[0-9a-f]{24}$/);
    expect(runCli(['ingest', config(), '--db', db, '--fingerprint-key', key]).code).toBe(0);
    const other = runCli(['ingest', more(), '--db', db, '--append', '--fingerprint-key', 'another-key']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/this case's fingerprints were made with another key \(key id scrypt:[0-9a-f]{24}, this one is scrypt:[0-9a-f]{24}\): give the same --fingerprint-key/);
    expect(other.stderr.includes(key)).toBe(false);
  });

  it('a case made without a key keeps no key: a second ingest of fingerprinted evidence is refused, with what to do', () => {
    const db = join(tempDir(), 'case.duckdb');
    expect(runCli(['ingest', config(), '--db', db], { env: { CLAWTRAIL_FINGERPRINT_KEY: '' } }).code).toBe(0);
    const meta = JSON.parse(runCli(['sql', '--db', db, '--json', 'SELECT key FROM case_meta ORDER BY key']).stdout).map((m: { key: string }) => m.key);
    expect(meta).toEqual(expect.arrayContaining(['fingerprint_key_id', 'fingerprint_key_random']));
    expect(meta).not.toContain('fingerprint_key');
    // the same evidence again takes no new fingerprint: accepted; new fingerprinted evidence is refused
    expect(runCli(['ingest', config(), '--db', db], { env: { CLAWTRAIL_FINGERPRINT_KEY: '' } }).code).toBe(0);
    const again = runCli(['ingest', more(), '--db', db, '--append'], { env: { CLAWTRAIL_FINGERPRINT_KEY: '' } });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/made with a random key that was not kept: .*ingest everything again into a new case with a key of your own/);
  });
});

// The YAML header of a canned SQL file (a query in queries/, a mechanism in mechanisms/): the leading comment block
// between two `-- ---` lines is YAML, the rest is the SQL.
import { parse as parseYaml } from 'yaml';

export function splitSqlHeader(file: string, text: string, what: string): { meta: Record<string, unknown>; sql: string } {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '-- ---') throw new Error(`${file}: a ${what} starts with a '-- ---' YAML header`);
  const header: string[] = [];
  let i = 1;
  for (; i < lines.length && lines[i].trim() !== '-- ---'; i++) header.push(lines[i].replace(/^-- ?/, ''));
  const meta = (parseYaml(header.join('\n')) ?? {}) as Record<string, unknown>;
  return { meta, sql: lines.slice(i + 1).join('\n').trim().replace(/;\s*$/, '') };
}

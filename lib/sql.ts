// Tiny helpers to build SQL text safely from values we control.

/** A SQL string literal. */
export function lit(value: string): string {
  // a NUL would end the statement text inside DuckDB's parser: it becomes U+FFFD
  return `'${value.replace(/\u0000/g, '\uFFFD').replace(/'/g, "''")}'`;
}

/** Replaces {{name}} placeholders with the given SQL fragments (already quoted). */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`SQL template placeholder {{${name}}} has no value`);
    return String(vars[name]);
  });
}

/** Splits a SQL script into statements on semicolons at line ends (our .sql files keep one statement per `;\n`). */
export function statements(script: string): string[] {
  return script
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}

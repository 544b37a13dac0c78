import { readFileSync } from 'node:fs';
import { ERROR_STATUS } from '@twiga/serve';
import { describe, expect, it } from 'vitest';

const DOC = new URL('../../../docs/errors.md', import.meta.url);

/** Rows of the codes table: `| \`CODE\` | status | cause | fix |`. */
function documentedRows(): { code: string; status: number; cause: string; fix: string }[] {
  const rows: { code: string; status: number; cause: string; fix: string }[] = [];
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const match = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(\d{3})\s*\|(.*)\|(.*)\|\s*$/.exec(line);
    if (match) {
      rows.push({
        code: match[1]!,
        status: Number(match[2]),
        cause: match[3]!.trim(),
        fix: match[4]!.trim(),
      });
    }
  }
  return rows;
}

describe('docs/errors.md', () => {
  const rows = documentedRows();

  it('lists every error code the server can answer with, once, and no other', () => {
    const codes = rows.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  });

  it('gives each code the HTTP status the server answers with', () => {
    const documented = Object.fromEntries(rows.map((r) => [r.code, r.status]));
    expect(documented).toEqual(ERROR_STATUS);
  });

  it('says for each code what causes it and how to fix it', () => {
    for (const row of rows) {
      expect(row.code in ERROR_STATUS, row.code).toBe(true);
      expect(row.cause.length, `${row.code} cause`).toBeGreaterThan(10);
      expect(row.fix.length, `${row.code} fix`).toBeGreaterThan(5);
    }
  });
});

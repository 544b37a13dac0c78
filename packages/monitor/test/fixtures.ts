import { readFileSync } from 'node:fs';
import type { MonitorTable } from '../src/index.js';

/** Read a committed fixture written by scripts/parity/evidently_parity.py. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** Base64 little-endian float64 (as the parity script writes it) to a Float64Array. */
export function f64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(i * 8);
  return out;
}

/** One column of a fixture dataset. */
export type FixtureColumn =
  | { kind: 'numeric'; values: string }
  | { kind: 'categorical'; levels: string[]; codes: string };

/** A fixture dataset side (reference or current) as a monitor table. */
export function fixtureTable(columns: Record<string, FixtureColumn>): MonitorTable {
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, (string | null)[]> = {};
  let length = 0;
  for (const [name, col] of Object.entries(columns)) {
    if (col.kind === 'numeric') {
      numeric[name] = f64(col.values);
      length = numeric[name].length;
    } else {
      const bytes = Buffer.from(col.codes, 'base64');
      const codes = Array.from({ length: bytes.byteLength / 2 }, (_, i) => bytes.readInt16LE(i * 2));
      categorical[name] = codes.map((c) => (c < 0 ? null : col.levels[c]!));
      length = codes.length;
    }
  }
  return { length, numeric, categorical };
}

/** |actual − expected| ≤ 1e-6 · max(1, |expected|): absolute for p-values, relative for large distances. */
export function close(actual: number, expected: number, tol = 1e-6): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
}

import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@twiga/core';

/** File names of reports: kind, UTC time, random suffix; safe to put in a URL path. */
export const REPORT_NAME = /^(drift|prediction-drift|performance)-\d{8}T\d{9}Z-[0-9a-f]{6}\.html$/;

/** The timestamped file name of a report written at `at`. */
export function reportName(kind: 'drift' | 'prediction-drift' | 'performance', at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, ''); // 20250101T120000123Z
  return `${kind}-${stamp}-${randomBytes(3).toString('hex')}.html`;
}

/** Write a report atomically into `dir` (created if needed); returns its path. */
export async function writeReport(
  dir: string,
  kind: 'drift' | 'prediction-drift' | 'performance',
  html: string,
  at: Date,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, reportName(kind, at));
  await writeFileAtomic(path, html);
  return path;
}

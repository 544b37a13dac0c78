const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  min: 60_000,
  m: 60_000,
  t: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
};

/** Parse a period such as `30min`, `1h`, `15s`, `1d`, `1w` (pandas-style aliases) into milliseconds. */
export function parsePeriod(period: string): number | undefined {
  const m = /^\s*(\d+)?\s*([a-zA-Z]+)\s*$/.exec(period);
  if (!m) return undefined;
  const unit = UNITS[m[2]!.toLowerCase()];
  const count = m[1] === undefined ? 1 : Number(m[1]);
  if (unit === undefined || count <= 0) return undefined;
  return count * unit;
}

/** Steps in one season for the seasonal-naive baseline: a day for sub-daily data, a week for daily. */
export function defaultSeasonLength(periodMs: number): number {
  if (periodMs < 86_400_000) return Math.max(1, Math.round(86_400_000 / periodMs));
  if (periodMs === 86_400_000) return 7;
  return 1;
}

/** Result of reading one cell as a number: the value, NaN when empty, or `undefined` when not a number. */
export function parseNumericCell(raw: unknown): number | undefined {
  if (raw === null || raw === undefined) return Number.NaN;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (s === '' || s === 'NA' || s === 'NaN' || s === 'nan' || s === 'null') return Number.NaN;
  // Spreadsheet and pandas exports write booleans as words; they are 0/1 covariates.
  const lower = s.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parse a timestamp cell to epoch ms. ISO 8601 with `T` or a space; an explicit offset or `Z` is honoured,
 * a naive time is taken as UTC so results never depend on the machine's time zone. Numbers are epoch ms.
 */
export function parseTimestampCell(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw.getTime();
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
    s,
  );
  if (!m) return undefined;
  const time = m[2] ?? '00:00:00';
  let zone = m[3] ?? 'Z';
  if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${time.length === 5 ? `${time}:00` : time}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Result of reading one cell as a number: the value, NaN when empty, or `undefined` when not a number. */
export function parseNumericCell(raw: unknown): number | undefined {
  if (raw === null || raw === undefined) return Number.NaN;
  // NaN is how callers mark a missing value; ±Infinity is never a usable number.
  if (typeof raw === 'number') return Number.isNaN(raw) || Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (s === '' || s === 'NA' || s === 'NaN' || s === 'nan' || s === 'null') return Number.NaN;
  // Spreadsheet and pandas exports write booleans as words; they are 0/1 covariates.
  const lower = s.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  // Decimal notation only: Number() would also take hex ('0x10'), binary and 'Infinity'.
  if (!DECIMAL.test(s)) return undefined;
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
  const m = ISO.exec(raw.trim());
  if (!m) return undefined;
  const [, y, mo, d, hh = '00', mm = '00', ss = '00', frac = '', zone = 'Z'] = m;
  // Date.parse rolls impossible dates forward (Feb 30 → Mar 1); a typo must not become another day.
  const probe = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (probe.getUTCMonth() !== Number(mo) - 1 || probe.getUTCDate() !== Number(d)) return undefined;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${hh}:${mm}:${ss}${frac}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `YYYY-MM-DD`, optionally `[T ]HH:MM[:SS[.fff]]`, optionally `Z` or `±HH[:]MM`. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

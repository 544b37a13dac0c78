const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Cell texts that mean "missing" (CSV exports of R, pandas and spreadsheets). */
export const MISSING_WORDS: ReadonlySet<string> = new Set(['', 'NA', 'NaN', 'nan', 'null', 'None']);

/** Result of reading one cell as a number: the value, NaN when empty, or `undefined` when not a number. */
export function parseNumericCell(raw: unknown): number | undefined {
  if (raw === null || raw === undefined) return Number.NaN;
  // NaN is how callers mark a missing value; ±Infinity is never a usable number.
  if (typeof raw === 'number') return Number.isNaN(raw) || Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (MISSING_WORDS.has(s)) return Number.NaN;
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
  const fast = canonicalIso(raw);
  if (fast !== undefined) return fast;
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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Two ASCII digits at i as a number, or -1.
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The canonical form JSON clients send (`Date.toISOString()`: `YYYY-MM-DDTHH:MM:SSZ` or with `.sss`), read by
 * character codes: this is the commonest cell of a forecast request and the regex path was ~10 % of a
 * request's CPU. Anything else (or out of range) returns undefined and takes the general path, which is the
 * reference: a test checks both agree.
 */
function canonicalIso(s: string): number | undefined {
  const n = s.length;
  if ((n !== 20 && n !== 24) || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(10) !== 84) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return undefined;
  const hi = digits2(s, 0);
  const lo = digits2(s, 2);
  const mo = digits2(s, 5);
  const d = digits2(s, 8);
  const hh = digits2(s, 11);
  const mm = digits2(s, 14);
  const ss = digits2(s, 17);
  if (
    hi < 1 ||
    lo < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    hh < 0 ||
    hh > 23 ||
    mm < 0 ||
    mm > 59 ||
    ss < 0 ||
    ss > 59
  )
    return undefined;
  let ms = 0;
  if (n === 24) {
    if (s.charCodeAt(19) !== 46) return undefined;
    const f = digits2(s, 20);
    const last = s.charCodeAt(22) - 48;
    if (f < 0 || last < 0 || last > 9) return undefined;
    ms = f * 10 + last;
  }
  const y = hi * 100 + lo;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  return Date.UTC(y, mo - 1, d, hh, mm, ss, ms);
}

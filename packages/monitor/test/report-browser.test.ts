import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastMonitor, type MonitorTable } from '../src/index.js';
import { type FixtureColumn, fixtureTable, readFixture } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url);
const haveBrowser = existsSync(CHROMIUM);
const requireBrowser = process.env.TWIGA_REQUIRE_BROWSER === '1';

/** Both fixture datasets' numeric and categorical columns side by side, as one table per side. */
function mixedTables(): { reference: MonitorTable; current: MonitorTable } {
  const { datasets } = readFixture<{
    datasets: Record<
      string,
      { reference: Record<string, FixtureColumn>; current: Record<string, FixtureColumn> }
    >;
  }>('evidently-drift.json');
  const num = datasets.small_numeric!;
  const cat = datasets.small_categorical!;
  const pick = (n: Record<string, FixtureColumn>, c: Record<string, FixtureColumn>): MonitorTable => {
    const a = fixtureTable(n);
    const b = fixtureTable(c);
    const length = Math.min(a.length, b.length);
    const cut = <T extends { slice(s: number, e: number): T }>(v: T) => v.slice(0, length);
    return {
      length,
      numeric: Object.fromEntries(Object.entries(a.numeric).map(([k, v]) => [k, cut(v)])),
      categorical: Object.fromEntries(Object.entries(b.categorical).map(([k, v]) => [k, v.slice(0, length)])),
    };
  };
  return { reference: pick(num.reference, cat.reference), current: pick(num.current, cat.current) };
}

/** Two days of hourly forecasts (4 windows × 12 steps) with an interval, and actuals drifting upwards. */
function forecastRun() {
  const n = 4;
  const H = 12;
  const start = Date.UTC(2024, 5, 1);
  const loc = new Float64Array(n * H);
  const lower = new Float64Array(n * H);
  const upper = new Float64Array(n * H);
  const actual = new Float64Array(n * H);
  const timestamps = new Float64Array(n * H);
  for (let i = 0; i < n; i++)
    for (let h = 0; h < H; h++) {
      const k = i * H + h;
      const t = i * H + h;
      timestamps[k] = start + t * 3_600_000;
      loc[k] = 100 + 20 * Math.sin((2 * Math.PI * t) / 24);
      lower[k] = loc[k]! - 8 - h * 0.5;
      upper[k] = loc[k]! + 8 + h * 0.5;
      actual[k] = loc[k]! + 0.3 * t + 4 * Math.sin(t * 1.7);
    }
  return {
    actual,
    forecasts: { shape: [n, H, 1] as const, loc, lower, upper, targets: ['demand'], timestamps },
  };
}

describe('HTML reports in headless Chromium', () => {
  if (!haveBrowser && !requireBrowser) {
    it('opens reports in headless Chromium', (ctx) => {
      console.warn(
        `report browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium, or run scripts/ci/monitor.sh; set TWIGA_REQUIRE_BROWSER=1 to make this a failure)`,
      );
      ctx.skip(`${CHROMIUM} is missing`);
    });
    return;
  }

  let dir: string;
  let drift: string;
  let performance: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twiga-report-'));
    const monitor = new ForecastMonitor({ reportDir: dir, now: () => new Date(Date.UTC(2024, 5, 3, 12)) });
    const { reference, current } = mixedTables();
    monitor.setReference(reference);
    drift = (await monitor.runDataDrift(current)).report_path!;
    const { actual, forecasts } = forecastRun();
    performance = (
      await monitor.runPerformance(actual, forecasts, {
        reference: {
          count: 48,
          mae: 3,
          rmse: 3.5,
          me: 0,
          mape: 3,
          wmape: 0.03,
          smape: 0.03,
          coverage: 0.9,
          interval_width: 20,
        },
      })
    ).report_path!;
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['drift', () => drift, 12],
    ['performance', () => performance, 3],
  ] as const)(
    'the %s report renders its charts and requests nothing from the network',
    async (kind, path, minCharts) => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is required (TWIGA_REQUIRE_BROWSER=1)`).toBe(true);
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const url = pathToFileURL(path()).href;
        const requests: string[] = [];
        page.on('request', (r) => {
          if (r.url() !== url) requests.push(r.url());
        });
        await page.goto(url, { waitUntil: 'load' });
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((s) => {
            const box = s.getBoundingClientRect();
            // Drawn data: every series element (line, bars, dots) has a non-empty box on screen.
            const series = [...s.querySelectorAll('.series')].map((e) => e.getBoundingClientRect());
            return {
              width: box.width,
              height: box.height,
              series: series.length,
              drawn: series.filter((b) => b.width > 0 && b.height > 0).length,
            };
          }),
        );
        expect(charts.length).toBeGreaterThanOrEqual(minCharts);
        for (const c of charts) {
          expect(c.width).toBeGreaterThan(200);
          expect(c.height).toBeGreaterThan(100);
          expect(c.series).toBeGreaterThan(0);
          expect(c.drawn).toBe(c.series);
        }
        expect(await page.title()).toMatch(kind === 'drift' ? /drift/i : /performance/i);
        expect(requests).toEqual([]);
        await page.screenshot({ path: new URL(`report-${kind}.png`, ARTIFACTS).pathname, fullPage: true });
      } finally {
        await browser.close();
      }
    },
  );
});

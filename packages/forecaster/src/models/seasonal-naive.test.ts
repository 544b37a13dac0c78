import { describe, expect, it } from 'vitest';
import type { DataPipelineConfigInput } from '../config.js';
import { ConfigInvalidError } from '../errors.js';
import { trainingAnchors } from '../features/anchors.js';
import type { FeatureContext } from '../features/build-features.js';
import { featureLayout } from '../features/layout.js';
import { fitScaler } from '../features/scaler.js';
import { HOUR_MS, iso, pipelineConfig, prng, seriesFor, T0, thrown } from '../test-utils.js';
import { batchSeasonalNaive, buildWindowBatch } from '../windows.js';
import { scoreLinearHead } from './linear-head.js';
import { seasonalNaiveHead } from './seasonal-naive.js';

interface Case {
  name: string;
  lookback: number;
  horizon: number;
  lags: number[];
  season: number;
  targets: string[];
}

/** Random distinct values (multiples of 1/64, exact in float32) so any wrong index shows. */
function records(n: number, targets: readonly string[]): Record<string, unknown>[] {
  const rand = prng(2024);
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = { ts: iso(T0 + i * HOUR_MS) };
    for (const t of targets) row[t] = Math.round(rand() * 64 * 100) / 64;
    return row;
  });
}

function setup(c: Case, scaling: 'none' | 'standard' = 'none') {
  const input: DataPipelineConfigInput = {
    dateColumn: 'ts',
    targets: c.targets,
    period: '1h',
    lookbackWindowSize: c.lookback,
    forecastHorizon: c.horizon,
    lags: c.lags,
    scaling,
  };
  const cfg = pipelineConfig(input);
  const series = seriesFor(cfg, records(40, c.targets));
  const ctx: FeatureContext = {
    config: cfg,
    layout: featureLayout(cfg),
    scalers: { '': fitScaler(series, c.targets, scaling) },
    periodMs: HOUR_MS,
  };
  return { cfg, series, ctx };
}

const CASES: Case[] = [
  {
    name: 'horizon < season, season = lookback',
    lookback: 4,
    horizon: 3,
    lags: [],
    season: 4,
    targets: ['y'],
  },
  {
    name: 'horizon > season (wraps around twice)',
    lookback: 3,
    horizon: 7,
    lags: [],
    season: 3,
    targets: ['y'],
  },
  {
    name: 'season > lookback, served by a lag equal to the season',
    lookback: 2,
    horizon: 7,
    lags: [5],
    season: 5,
    targets: ['y'],
  },
  {
    name: 'season > lookback and horizon, lag equal to the season',
    lookback: 2,
    horizon: 3,
    lags: [3, 8],
    season: 8,
    targets: ['y'],
  },
  { name: 'season 1 (last value)', lookback: 2, horizon: 4, lags: [], season: 1, targets: ['y'] },
  { name: 'two targets', lookback: 2, horizon: 5, lags: [4], season: 4, targets: ['a', 'b'] },
];

describe('seasonalNaiveHead', () => {
  it.each(CASES)('$name: the head selects y[t + h′ − s], h′ = ((h − 1) mod s) + 1', (c) => {
    const { cfg, series, ctx } = setup(c);
    const head = seasonalNaiveHead(cfg, ctx.layout, c.season);
    const H = c.horizon;
    const T = c.targets.length;
    expect(head.nFeatures).toBe(ctx.layout.width);
    expect(head.nOutputs).toBe(H * T);
    expect(Array.from(head.bias)).toEqual(new Array(H * T).fill(0));

    const anchors = trainingAnchors(cfg, series[0]!);
    expect(anchors.length).toBeGreaterThan(10);
    const batch = buildWindowBatch(ctx, series, [anchors]);
    const out = new Float64Array(batch.n * H * T);
    scoreLinearHead(head, batch.features, batch.n, out);

    // Against the data-side baseline the metrics use (original units; scaling 'none' makes them equal).
    const naive = batchSeasonalNaive(ctx, series, batch, c.season);
    expect(Array.from(out)).toEqual(Array.from(naive));

    // And against the definition, written out here.
    for (let r = 0; r < batch.n; r++) {
      const t = anchors[r]!;
      for (let h = 1; h <= H; h++) {
        const hs = ((h - 1) % c.season) + 1;
        c.targets.forEach((name, ti) => {
          expect(out[(r * H + h - 1) * T + ti]).toBe(series[0]!.columns[name]![t + hs - c.season]);
        });
      }
    }
  });

  it('each output column selects exactly one feature with weight 1', () => {
    const c = CASES[2]!;
    const { cfg, ctx } = setup(c);
    const head = seasonalNaiveHead(cfg, ctx.layout, c.season);
    const names = ctx.layout.names;
    const selected: string[] = [];
    for (let j = 0; j < head.nOutputs; j++) {
      const picks: number[] = [];
      for (let f = 0; f < head.nFeatures; f++) {
        const w = head.weights[f * head.nOutputs + j]!;
        if (w !== 0) {
          expect(w).toBe(1);
          picks.push(f);
        }
      }
      expect(picks.length).toBe(1);
      selected.push(names[picks[0]!]!);
    }
    // L = 2, s = 5, H = 7: h′ = 1,2,3,4,5,1,2 → back = s − h′ = 4,3,2,1,0,4,3; back < L comes from the
    // lookback block, the rest from lag 5 (feature y_lag5[t+h′] = y[t + h′ − 5]).
    expect(selected).toEqual([
      'y_lag5[t+1]',
      'y_lag5[t+2]',
      'y_lag5[t+3]',
      'y[t-1]',
      'y[t-0]',
      'y_lag5[t+1]',
      'y_lag5[t+2]',
    ]);
  });

  it("with 'standard' scaling the head output, unscaled, equals the baseline", () => {
    const c = CASES[1]!;
    const { cfg, series, ctx } = setup(c, 'standard');
    const head = seasonalNaiveHead(cfg, ctx.layout, c.season);
    const anchors = trainingAnchors(cfg, series[0]!);
    const batch = buildWindowBatch(ctx, series, [anchors]);
    const out = new Float64Array(batch.n * c.horizon);
    scoreLinearHead(head, batch.features, batch.n, out);
    const { center, scale } = ctx.scalers['']!.y!;
    const naive = batchSeasonalNaive(ctx, series, batch, c.season);
    // Features are float32, so the round trip is exact only to float32 precision.
    for (let i = 0; i < out.length; i++) {
      expect(Math.abs(out[i]! * scale + center - naive[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(naive[i]!));
    }
  });

  it('season longer than the lookback without a lag equal to it → CONFIG_INVALID', () => {
    for (const lags of [[], [4], [6]]) {
      const { cfg, ctx } = setup({ name: '', lookback: 3, horizon: 2, lags, season: 5, targets: ['y'] });
      const err = thrown(() => seasonalNaiveHead(cfg, ctx.layout, 5));
      expect(err).toBeInstanceOf(ConfigInvalidError);
      expect((err as ConfigInvalidError).code).toBe('CONFIG_INVALID');
      expect((err as ConfigInvalidError).issues.map((i) => i.path)).toEqual(['data.lookbackWindowSize']);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { computePointMetrics, type MetricValues, POINT_METRICS } from './point-metrics.js';

const f64 = (xs: number[]) => Float64Array.from(xs);

function expectMetrics(got: MetricValues, want: MetricValues, digits = 12): void {
  for (const m of POINT_METRICS) {
    if (Number.isNaN(want[m])) expect(got[m], m).toBeNaN();
    else expect(got[m], m).toBeCloseTo(want[m], digits);
  }
}

// n=2, horizon=2, targets=1: flat index = i*2 + h.
//   cell     y   ŷ   naive  |y−ŷ|  (y−ŷ)²  |y−naive|  2|y−ŷ|/(|y|+|ŷ|)
//   i0 h0    1   2   2      1      1       1          2·1/(1+2) = 2/3
//   i0 h1    3   3   1      0      0       2          0/(3+3)   = 0
//   i1 h0    2   1   4      1      1       2          2·1/(2+1) = 2/3
//   i1 h1    4   2   4      2      4       0          2·2/(4+2) = 2/3
//   sums    10   8          4      6       5          2
// MAE   = 4/4 = 1
// RMSE  = sqrt(6/4) = sqrt(1.5)
// WMAPE = Σ|y−ŷ| / Σ|y| = 4/10 = 0.4
// SMAPE = 2/4 = 0.5
// MASE  = MAE / MAE(naive) = 1 / (5/4) = 0.8
// CORR: ȳ = 10/4 = 2.5, mean ŷ = 8/4 = 2
//   y−ȳ = [−1.5, 0.5, −0.5, 1.5], ŷ−mean ŷ = [0, 1, −1, 0]
//   Σ(y−ȳ)(ŷ−mean ŷ) = 0 + 0.5 + 0.5 + 0 = 1
//   Σ(y−ȳ)² = 2.25 + 0.25 + 0.25 + 2.25 = 5, Σ(ŷ−mean ŷ)² = 0 + 1 + 1 + 0 = 2
//   r = 1 / sqrt(5·2) = 1/sqrt(10)
const HAND = {
  actual: f64([1, 3, 2, 4]),
  forecast: f64([2, 3, 1, 2]),
  naive: f64([2, 1, 4, 4]),
  n: 2,
  horizon: 2,
  targets: 1,
};
const HAND_OVERALL: MetricValues = {
  mae: 1,
  rmse: Math.sqrt(1.5),
  wmape: 0.4,
  smape: 0.5,
  mase: 0.8,
  corr: 1 / Math.sqrt(10),
};

describe('computePointMetrics', () => {
  it('matches a hand-computed example', () => {
    const r = computePointMetrics(HAND);
    expectMetrics(r.overall, HAND_OVERALL);
    expect(r.perTarget).toHaveLength(1);
    expectMetrics(r.perTarget[0]!, HAND_OVERALL);
    // Step h0: y = [1, 2], ŷ = [2, 1], naive = [2, 4]: |e| = [1, 1], e² = [1, 1], |y−naive| = [1, 2].
    //   MAE 1, RMSE 1, WMAPE 2/3, SMAPE (2/3 + 2/3)/2 = 2/3, MASE 1/1.5 = 2/3, CORR −1 (ŷ = 3 − y).
    // Step h1: y = [3, 4], ŷ = [3, 2], naive = [1, 4]: |e| = [0, 2], e² = [0, 4], |y−naive| = [2, 0].
    //   MAE 1, RMSE sqrt(2), WMAPE 2/7, SMAPE (0 + 2/3)/2 = 1/3, MASE 1/1 = 1, CORR −1 (ŷ falls as y rises).
    expect(r.perStep).toHaveLength(1);
    expect(r.perStep[0]).toHaveLength(2);
    expectMetrics(r.perStep[0]![0]!, { mae: 1, rmse: 1, wmape: 2 / 3, smape: 2 / 3, mase: 2 / 3, corr: -1 });
    expectMetrics(r.perStep[0]![1]!, {
      mae: 1,
      rmse: Math.sqrt(2),
      wmape: 2 / 7,
      smape: 1 / 3,
      mase: 1,
      corr: -1,
    });
  });

  it('lists the metrics in report order', () => {
    expect(POINT_METRICS).toEqual(['mae', 'rmse', 'wmape', 'smape', 'mase', 'corr']);
    expect(Object.keys(computePointMetrics(HAND).overall)).toEqual([...POINT_METRICS]);
  });

  it('separates targets and steps', () => {
    // n=2, horizon=2, targets=2; the forecast error depends on (t, h) only:
    //   t0: h0 → 1, h1 → 2;   t1: h0 → 10, h1 → 20.  Naive error is 1 everywhere, so MASE = MAE.
    const n = 2;
    const horizon = 2;
    const targets = 2;
    const err = [
      [1, 2],
      [10, 20],
    ];
    const actual = new Float64Array(n * horizon * targets);
    const forecast = new Float64Array(actual.length);
    const naive = new Float64Array(actual.length);
    for (let i = 0; i < n; i++) {
      for (let h = 0; h < horizon; h++) {
        for (let t = 0; t < targets; t++) {
          const k = (i * horizon + h) * targets + t;
          actual[k] = 100 + 10 * i + h + 50 * t;
          forecast[k] = actual[k]! + err[t]![h]!;
          naive[k] = actual[k]! - 1;
        }
      }
    }
    const r = computePointMetrics({ actual, forecast, naive, n, horizon, targets });
    expect(r.perTarget).toHaveLength(2);
    expect(r.perStep.map((s) => s.length)).toEqual([2, 2]);
    // perTarget: t0 errors [1, 2, 1, 2] → MAE 1.5, RMSE sqrt(10/4); t1 errors [10, 20, 10, 20] → 15, sqrt(1000/4).
    expect(r.perTarget[0]!.mae).toBeCloseTo(1.5, 12);
    expect(r.perTarget[0]!.rmse).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(r.perTarget[0]!.mase).toBeCloseTo(1.5, 12);
    expect(r.perTarget[1]!.mae).toBeCloseTo(15, 12);
    expect(r.perTarget[1]!.rmse).toBeCloseTo(Math.sqrt(250), 12);
    expect(r.perTarget[1]!.mase).toBeCloseTo(15, 12);
    // perStep: each (t, h) group has a constant error err[t][h].
    for (let t = 0; t < targets; t++) {
      for (let h = 0; h < horizon; h++) {
        const s = r.perStep[t]![h]!;
        expect(s.mae, `t${t} h${h}`).toBeCloseTo(err[t]![h]!, 12);
        expect(s.rmse, `t${t} h${h}`).toBeCloseTo(err[t]![h]!, 12);
        expect(s.mase, `t${t} h${h}`).toBeCloseTo(err[t]![h]!, 12);
        // Within a step the forecast is the actual shifted by a constant: r = 1.
        expect(s.corr, `t${t} h${h}`).toBeCloseTo(1, 12);
      }
    }
    // Overall: errors 1, 2, 10, 20 twice each → MAE 33/4, WMAPE 66 / Σ|y|.
    expect(r.overall.mae).toBeCloseTo(33 / 4, 12);
    let sumAbsY = 0;
    for (const y of actual) sumAbsY += Math.abs(y);
    expect(r.overall.wmape).toBeCloseTo(66 / sumAbsY, 12);
  });

  it('skips cells whose actual is NaN in every metric', () => {
    // The hand example plus a third window whose actuals are missing and whose forecasts are wild.
    const r = computePointMetrics({
      actual: f64([1, 3, 2, 4, NaN, NaN]),
      forecast: f64([2, 3, 1, 2, 1e6, -1e6]),
      naive: f64([2, 1, 4, 4, 0, 0]),
      n: 3,
      horizon: 2,
      targets: 1,
    });
    expectMetrics(r.overall, HAND_OVERALL);
    expectMetrics(r.perTarget[0]!, HAND_OVERALL);
  });

  it('gives NaN everywhere for a group with only missing actuals', () => {
    // targets=2, target 1 entirely missing; target 0 is unaffected.
    const r = computePointMetrics({
      actual: f64([1, NaN, 3, NaN]),
      forecast: f64([1, 5, 2, 5]),
      naive: f64([0, 5, 0, 5]),
      n: 1,
      horizon: 2,
      targets: 2,
    });
    for (const m of POINT_METRICS) {
      expect(r.perTarget[1]![m], m).toBeNaN();
      expect(r.perStep[1]![0]![m], m).toBeNaN();
    }
    expect(r.perTarget[0]!.mae).toBeCloseTo(0.5, 12);
    expect(r.overall.mae).toBeCloseTo(0.5, 12);
  });

  it('gives NaN for zero denominators and counts SMAPE 0/0 terms as 0', () => {
    // All actuals and forecasts 0, naive perfect: Σ|y| = 0, naive MAE = 0, both variances 0.
    const zero = computePointMetrics({
      actual: f64([0, 0]),
      forecast: f64([0, 0]),
      naive: f64([0, 0]),
      n: 2,
      horizon: 1,
      targets: 1,
    });
    expectMetrics(zero.overall, { mae: 0, rmse: 0, wmape: NaN, smape: 0, mase: NaN, corr: NaN });

    // Varying actuals, constant forecast, perfect naive: y = [0, 1], ŷ = [2, 2], naive = [0, 1].
    //   |e| = [2, 1] → MAE 1.5; RMSE sqrt((4 + 1)/2) = sqrt(2.5); WMAPE 3/1 = 3;
    //   SMAPE (2·2/(0+2) + 2·1/(1+2))/2 = (2 + 2/3)/2 = 4/3;
    //   naive = y → naive MAE 0 → MASE NaN; Var(ŷ) = 0 → CORR NaN.
    const flat = computePointMetrics({
      actual: f64([0, 1]),
      forecast: f64([2, 2]),
      naive: f64([0, 1]),
      n: 2,
      horizon: 1,
      targets: 1,
    });
    expectMetrics(flat.overall, {
      mae: 1.5,
      rmse: Math.sqrt(2.5),
      wmape: 3,
      smape: 4 / 3,
      mase: NaN,
      corr: NaN,
    });

    // SMAPE with a 0/0 term among others: y = [0, 1], ŷ = [0, 3] → terms [0, 2·2/(1+3) = 1] → mean 0.5.
    const mixed = computePointMetrics({
      actual: f64([0, 1]),
      forecast: f64([0, 3]),
      naive: f64([1, 1]),
      n: 2,
      horizon: 1,
      targets: 1,
    });
    expect(mixed.overall.smape).toBeCloseTo(0.5, 12);
  });

  it('agrees with a direct two-pass computation on random data', () => {
    const n = 7;
    const horizon = 3;
    const targets = 2;
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const len = n * horizon * targets;
    const actual = new Float64Array(len).map(() => (rand() < 0.1 ? NaN : 100 * rand() - 20));
    const forecast = actual.map((y) => (Number.isNaN(y) ? 5 : y + 10 * rand() - 5));
    const naive = new Float64Array(len).map(() => 100 * rand() - 20);
    const r = computePointMetrics({ actual, forecast, naive, n, horizon, targets });

    const reference = (keep: (t: number, h: number) => boolean): MetricValues => {
      const ys: number[] = [];
      const fs: number[] = [];
      const ns: number[] = [];
      for (let i = 0; i < n; i++)
        for (let h = 0; h < horizon; h++)
          for (let t = 0; t < targets; t++) {
            const k = (i * horizon + h) * targets + t;
            if (keep(t, h) && !Number.isNaN(actual[k]!)) {
              ys.push(actual[k]!);
              fs.push(forecast[k]!);
              ns.push(naive[k]!);
            }
          }
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const my = sum(ys) / ys.length;
      const mf = sum(fs) / fs.length;
      const ae = ys.map((y, j) => Math.abs(y - fs[j]!));
      const cov = sum(ys.map((y, j) => (y - my) * (fs[j]! - mf)));
      const vy = sum(ys.map((y) => (y - my) ** 2));
      const vf = sum(fs.map((f) => (f - mf) ** 2));
      return {
        mae: sum(ae) / ys.length,
        rmse: Math.sqrt(sum(ae.map((e) => e * e)) / ys.length),
        wmape: sum(ae) / sum(ys.map(Math.abs)),
        smape: sum(ys.map((y, j) => (2 * ae[j]!) / (Math.abs(y) + Math.abs(fs[j]!)))) / ys.length,
        mase: sum(ae) / sum(ys.map((y, j) => Math.abs(y - ns[j]!))),
        corr: cov / Math.sqrt(vy * vf),
      };
    };

    expectMetrics(
      r.overall,
      reference(() => true),
      9,
    );
    for (let t = 0; t < targets; t++) {
      expectMetrics(
        r.perTarget[t]!,
        reference((tt) => tt === t),
        9,
      );
      for (let h = 0; h < horizon; h++) {
        expectMetrics(
          r.perStep[t]![h]!,
          reference((tt, hh) => tt === t && hh === h),
          9,
        );
      }
    }
  });

  it('rejects arrays that do not match n*horizon*targets', () => {
    expect(() => computePointMetrics({ ...HAND, forecast: f64([1, 2, 3]) })).toThrow(/forecast has 3 values/);
    expect(() => computePointMetrics({ ...HAND, n: 1.5 })).toThrow(/n must be a non-negative integer/);
  });
});

import type { SeriesData } from './data/frame.js';
import { ConfigInvalidError } from './errors.js';
import type { FeatureContext } from './features/build-features.js';
import { buildFeatures } from './features/build-features.js';
import { buildForecastModel } from './models/gbdt/onnx-model.js';
import { trainGbdtMany } from './models/gbdt/pool.js';
import type { GbdtEnsemble } from './models/gbdt/tree.js';
import type { LinearHead } from './models/linear-head.js';
import { fitRidge } from './models/ridge.js';
import { seasonalNaiveHead } from './models/seasonal-naive.js';
import type { NamedModel } from './state.js';
import { batchScaledTargets, buildWindowBatch } from './windows.js';

/** A fitted model: a linear head (MatMul + Add in ONNX) or one GBDT ensemble per output cell. */
export type FittedModel = { kind: 'linear'; head: LinearHead } | { kind: 'gbdt'; ensembles: GbdtEnsemble[] };

/** Progress of a fit, for progress bars: `done` of `total` steps of one model. */
export interface FitProgress {
  model: string;
  done: number;
  total: number;
}

/** Training and (optional) early-stopping windows. */
export interface FitWindows {
  series: readonly SeriesData[];
  anchors: readonly Int32Array[];
  validation?: { series: readonly SeriesData[]; anchors: readonly Int32Array[] } | undefined;
}

/**
 * Fit every model on the same training windows. Ridge solves in float64 for exactness; GBDT trains on the
 * float32 rows ONNX Runtime will see, one ensemble per horizon step and target (the direct strategy), in
 * parallel on worker threads.
 */
export async function fitModels(
  ctx: FeatureContext,
  windows: FitWindows,
  models: readonly NamedModel[],
  seasonLength: number,
  onProgress?: (progress: FitProgress) => void,
): Promise<FittedModel[]> {
  const { series, anchors } = windows;
  const p = ctx.layout.width;
  const k = ctx.config.forecastHorizon * ctx.config.targets.length;
  let n = 0;
  for (const a of anchors) n += a.length;
  if (n === 0)
    throw new ConfigInvalidError('no training windows: the training data is shorter than history + horizon');
  let x64: Float64Array | undefined;
  let x32: Float32Array | undefined;
  let y: Float64Array | undefined;
  const targets = () => (y ??= batchScaledTargets(ctx, series, anchors));
  const out: FittedModel[] = [];
  for (const m of models) {
    switch (m.name) {
      case 'seasonal-naive':
        out.push({ kind: 'linear', head: seasonalNaiveHead(ctx.config, ctx.layout, seasonLength) });
        break;
      case 'linear': {
        if (!x64) {
          x64 = new Float64Array(n * p);
          let row = 0;
          series.forEach((s, i) => {
            buildFeatures(ctx, s, anchors[i]!, x64!, row);
            row += anchors[i]!.length;
          });
        }
        out.push({ kind: 'linear', head: fitRidge(x64, targets(), n, p, k, m.params.alpha) });
        break;
      }
      case 'gbdt': {
        x32 ??= buildWindowBatch(ctx, series, anchors).features;
        const val = windows.validation;
        const validation =
          val && m.params.earlyStoppingRounds !== undefined
            ? (() => {
                const batch = buildWindowBatch(ctx, val.series, val.anchors);
                return {
                  features: batch.features,
                  n: batch.n,
                  targets: batchScaledTargets(ctx, val.series, val.anchors),
                };
              })()
            : undefined;
        const ensembles = await trainGbdtMany(x32, n, p, targets(), k, m.params, {
          ...(validation ? { validation } : {}),
          onProgress: (done, total) => onProgress?.({ model: m.label, done, total }),
        });
        out.push({ kind: 'gbdt', ensembles });
        break;
      }
      default:
        unknownModel(m);
    }
  }
  return out;
}

/** Compile-time exhaustiveness: a new model type without a case here fails to type-check. */
function unknownModel(model: never): never {
  throw new ConfigInvalidError(`unknown model type ${(model as { name: string }).name}`);
}

/** The ONE ONNX graph of fitted models: an output per model, linear heads and GBDT ensembles side by side. */
export function forecastGraph(
  nFeatures: number,
  models: readonly NamedModel[],
  fitted: readonly FittedModel[],
): Uint8Array {
  return buildForecastModel({
    nFeatures,
    linear: models.flatMap((m, i) => {
      const f = fitted[i]!;
      return f.kind === 'linear'
        ? [
            {
              name: m.label,
              weights: Float32Array.from(f.head.weights),
              bias: Float32Array.from(f.head.bias),
            },
          ]
        : [];
    }),
    gbdt: models.flatMap((m, i) => {
      const f = fitted[i]!;
      return f.kind === 'gbdt' ? [{ name: m.label, ensembles: f.ensembles }] : [];
    }),
    docString: `Twiga-TS forecaster: ${models.map((m) => m.label).join(', ')}`,
  });
}

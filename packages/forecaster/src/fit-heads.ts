import type { SeriesData } from './data/frame.js';
import { ConfigInvalidError } from './errors.js';
import type { FeatureContext } from './features/build-features.js';
import { buildFeatures } from './features/build-features.js';
import type { LinearHead } from './models/linear-head.js';
import { fitRidge } from './models/ridge.js';
import { seasonalNaiveHead } from './models/seasonal-naive.js';
import type { NamedModel } from './state.js';
import { batchScaledTargets } from './windows.js';

/** Fit every model on the same training windows; float64 features so the ridge solve stays exact. */
export function fitHeads(
  ctx: FeatureContext,
  series: readonly SeriesData[],
  anchors: readonly Int32Array[],
  models: readonly NamedModel[],
  seasonLength: number,
): LinearHead[] {
  const p = ctx.layout.width;
  const k = ctx.config.forecastHorizon * ctx.config.targets.length;
  let n = 0;
  for (const a of anchors) n += a.length;
  let x: Float64Array | undefined;
  let y: Float64Array | undefined;
  return models.map((m) => {
    switch (m.name) {
      case 'seasonal-naive':
        return seasonalNaiveHead(ctx.config, ctx.layout, seasonLength);
      case 'linear': {
        if (!x || !y) {
          x = new Float64Array(n * p);
          let row = 0;
          series.forEach((s, i) => {
            buildFeatures(ctx, s, anchors[i]!, x!, row);
            row += anchors[i]!.length;
          });
          y = batchScaledTargets(ctx, series, anchors);
        }
        return fitRidge(x, y, n, p, k, m.params.alpha);
      }
      default:
        return unknownModel(m);
    }
  });
}

/** Compile-time exhaustiveness: a new model type without a case here fails to type-check. */
function unknownModel(model: never): never {
  throw new ConfigInvalidError(`unknown model type ${(model as { name: string }).name}`);
}

import type { SeriesData } from './data/frame.js';
import { ConfigInvalidError } from './errors.js';
import { type FeatureContext, scalerOf } from './features/build-features.js';
import type { OnnxScorer } from './onnx/scorer.js';
import type { RawPrediction } from './prediction.js';
import type { NamedModel } from './state.js';
import { batchTimestamps, buildWindowBatch, type WindowBatch } from './windows.js';

/** Outputs of one scoring pass: predictions in original units plus what intervals need. */
export interface Scored {
  predictions: RawPrediction[];
  batch: WindowBatch;
  /** ONNX outputs per model label, in scaled units `[n, horizon × targets]`. */
  raw: Record<string, Float32Array>;
  /** Per window and target: center and scale, `[n, targets, 2]`. */
  unscale: Float64Array;
}

/**
 * Score windows: build their feature rows, run the ONNX graph once for every model, and map each model's
 * output from its series' scaled units back to original units.
 */
export async function scoreWindows(
  ctx: FeatureContext,
  scorer: OnnxScorer,
  models: readonly NamedModel[],
  series: readonly SeriesData[],
  anchors: readonly Int32Array[],
): Promise<Scored> {
  const cfg = ctx.config;
  const batch = buildWindowBatch(ctx, series, anchors);
  const outputs = await scorer.run(batch.features, batch.n, ctx.layout.width);
  const timestamps = batchTimestamps(ctx, series, batch);
  const seriesIds = Array.from(batch.seriesIndex, (i) => series[i]!.id);
  const T = cfg.targets.length;
  const H = cfg.forecastHorizon;
  // Models predict in each series' scaled units; undo that per window and target.
  const unscale = new Float64Array(batch.n * T * 2);
  for (let r = 0; r < batch.n; r++) {
    const scaler = scalerOf(ctx, series[batch.seriesIndex[r]!]!);
    cfg.targets.forEach((name, t) => {
      unscale[(r * T + t) * 2] = scaler[name]!.center;
      unscale[(r * T + t) * 2 + 1] = scaler[name]!.scale;
    });
  }
  const predictions = models.map((m): RawPrediction => {
    const raw = outputs[m.label];
    if (raw === undefined) throw new ConfigInvalidError(`the ONNX graph has no output ${m.label}`);
    const loc = new Float64Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const u = (Math.floor(i / (H * T)) * T + (i % T)) * 2;
      loc[i] = raw[i]! * unscale[u + 1]! + unscale[u]!;
    }
    return {
      kind: 'point',
      model: m.label,
      targets: cfg.targets,
      shape: [batch.n, H, T],
      loc,
      timestamps,
      seriesIds,
    };
  });
  return { predictions, batch, raw: outputs, unscale };
}

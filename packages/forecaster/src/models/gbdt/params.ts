import { z } from 'zod';
import { ConfigInvalidError } from '../../errors.js';
import { zodIssues } from '../../zod-issues.js';

/** Loss functions the booster can minimise. */
export const GBDT_OBJECTIVES = ['l2', 'l1', 'huber', 'quantile'] as const;
/** One of {@link GBDT_OBJECTIVES}. */
export type GbdtObjective = (typeof GBDT_OBJECTIVES)[number];

/**
 * Gradient-boosted trees grown leaf-wise on binned features, as LightGBM does. Names follow LightGBM's
 * parameters (camelCase), and so do the defaults, except `learningRate` and `nEstimators`.
 */
export const GbdtParamsSchema = z
  .object({
    /** Loss: squared error, absolute error, Huber, or pinball loss at level `alpha`. @default 'l2' */
    objective: z.enum(GBDT_OBJECTIVES).default('l2'),
    /** Quantile level of the `quantile` objective. @default 0.5 */
    alpha: z.number().gt(0).lt(1).default(0.5),
    /** Residual size where the `huber` loss turns from quadratic to linear. @default 1 */
    huberDelta: z.number().gt(0).default(1),
    /** Leaves per tree (trees grow best-first until they have this many). @default 31 */
    numLeaves: z.number().int().min(2).max(65_536).default(31),
    /** Maximum depth of a leaf; -1 means no limit (then `numLeaves` alone bounds a tree). @default -1 */
    maxDepth: z
      .number()
      .int()
      .min(-1)
      .refine((d) => d !== 0, { message: 'must be -1 (no limit) or >= 1' })
      .default(-1),
    /** Fewest training rows in a leaf. @default 20 */
    minDataInLeaf: z.number().int().min(1).default(20),
    /** Smallest sum of hessians in a leaf. @default 1e-3 */
    minSumHessianInLeaf: z.number().min(0).default(1e-3),
    /** L2 penalty on leaf values. @default 0 */
    lambdaL2: z.number().min(0).default(0),
    /** Shrinkage applied to every tree's leaf values. @default 0.05 */
    learningRate: z.number().gt(0).max(1).default(0.05),
    /** Boosting rounds (trees per target), before early stopping. @default 500 */
    nEstimators: z.number().int().min(1).max(100_000).default(500),
    /** Fraction of features each tree may split on, drawn per tree. @default 1 */
    featureFraction: z.number().gt(0).max(1).default(1),
    /** Fraction of rows each tree is grown on, redrawn every `baggingFreq` rounds. @default 1 */
    baggingFraction: z.number().gt(0).max(1).default(1),
    /** Redraw the bag every this many rounds; 0 disables bagging. @default 0 */
    baggingFreq: z.number().int().min(0).default(0),
    /** Stop when the validation loss has not improved for this many rounds; unset: never stop early. */
    earlyStoppingRounds: z.number().int().min(1).optional(),
    /**
     * Last fraction of the (time-ordered) training rows held out for early stopping when
     * `earlyStoppingRounds` is set and no validation data is given. @default 0.1
     */
    validationFraction: z.number().gt(0).lt(1).default(0.1),
    /** Most value bins per feature (one more bin holds missing values). @default 255 */
    maxBin: z.number().int().min(2).max(255).default(255),
    /** Seed of every random draw (bin sample, bagging, feature sampling). @default 0 */
    seed: z.number().int().min(0).max(0xffff_ffff).default(0),
    /** Worker threads of `trainGbdtMany` (binning, then one target per thread). @default os.availableParallelism() */
    threads: z.number().int().min(1).max(1024).optional(),
  })
  .strict();

/** Input of {@link GbdtParamsSchema} (defaults may be left out). */
export type GbdtParamsInput = z.input<typeof GbdtParamsSchema>;
/** Validated GBDT parameters with every default filled in. */
export type GbdtParams = z.output<typeof GbdtParamsSchema>;

/** Every default of {@link GbdtParamsSchema}, frozen. */
export const GBDT_DEFAULTS: Readonly<GbdtParams> = Object.freeze(GbdtParamsSchema.parse({}));

/** Validate GBDT parameters; `CONFIG_INVALID` names each bad field under `path`. */
export function parseGbdtParams(input: unknown, path = 'params'): GbdtParams {
  const parsed = GbdtParamsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error).map((i) => ({
      path: i.path === '(root)' || i.path === '' ? path : `${path}.${i.path}`,
      message: i.message,
    }));
    throw new ConfigInvalidError(
      `invalid gbdt params: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return Object.freeze(parsed.data);
}

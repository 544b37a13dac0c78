/**
 * Gradient boosting: one tree per round on the current gradients, shrunk by the learning rate, with
 * optional bagging, per-tree feature sampling and early stopping on validation loss. Every random draw
 * comes from one generator seeded by `params.seed` (restarted for every target), so a seed fixes the result.
 */
import { ConfigInvalidError } from '../../errors.js';
import { type BinnedMatrix, binnedRows } from './binning.js';
import { type Objective, objectiveFor } from './objectives.js';
import type { GbdtParams } from './params.js';
import { quantileInPlace } from './quantile.js';
import { type Random, sampleSorted, seededRandom } from './random.js';
import type { GbdtEnsemble, GbdtTree } from './tree.js';
import { type GrownTree, grownLeafOf, TreeBuilder } from './tree-builder.js';
import type { GbdtKernel } from './tree-memory.js';

/** Held-out rows, binned with the training data's BinMapper, and their targets. */
export interface GbdtValidation {
  readonly binned: BinnedMatrix;
  readonly y: Float64Array;
}

/** Options of {@link trainGbdt}. */
export interface TrainGbdtOptions {
  /**
   * Rows whose loss decides early stopping. Without them, and with `earlyStoppingRounds` set, the last
   * `validationFraction` of the training rows are held out instead.
   */
  validation?: GbdtValidation;
  /** Called after every round with the rounds done so far and the validation loss (if any). */
  onRound?(round: number, validationLoss: number | undefined): void;
  /** Kernels: WebAssembly SIMD where available, else JavaScript (same results). @default 'auto' */
  kernel?: GbdtKernel;
}

/** Trains the trees of one target `y` ([n], finite) on binned features (on the calling thread). */
export function trainGbdt(
  binned: BinnedMatrix,
  y: Float64Array,
  params: GbdtParams,
  options: TrainGbdtOptions = {},
): GbdtEnsemble {
  const trainer = new GbdtTrainer(binned, params, {
    ...(options.validation === undefined ? {} : { validation: options.validation.binned }),
    ...(options.kernel === undefined ? {} : { kernel: options.kernel }),
  });
  return trainer.train(y, {
    ...(options.validation === undefined ? {} : { validationY: options.validation.y }),
    ...(options.onRound === undefined ? {} : { onRound: options.onRound }),
  });
}

/** Options of {@link GbdtTrainer}. */
export interface GbdtTrainerOptions {
  /** Held-out rows (binned with the same mapper); each `train` call brings their targets. */
  validation?: BinnedMatrix;
  /** @default 'auto' */
  kernel?: GbdtKernel;
}

/** Options of {@link GbdtTrainer.train}. */
export interface GbdtTrainOptions {
  /** Targets of the validation rows given to the constructor. */
  validationY?: Float64Array;
  onRound?(round: number, validationLoss: number | undefined): void;
}

/**
 * Trains one target after another on the same binned matrix, reusing every buffer (histograms, the
 * kernel's memory, partitions) between them: what a worker of `trainGbdtMany` does. Each `train` call
 * gives exactly what `trainGbdt` gives for that target.
 */
export class GbdtTrainer {
  readonly #params: GbdtParams;
  readonly #train: BinnedMatrix;
  readonly #validation: BinnedMatrix | undefined;
  /** Rows held out of `binned` for early stopping (0 when validation rows are given or not needed). */
  readonly #heldOut: number;
  readonly #explicitValidation: boolean;
  readonly #objective: Objective;
  readonly #builder: TreeBuilder;
  readonly #score: Float64Array;
  readonly #scratch: Float64Array;
  readonly #featureMask: Uint8Array;
  readonly #features: Int32Array;
  readonly #bag: Int32Array | undefined;
  readonly #inBag: Uint8Array | undefined;
  readonly #valScore: Float64Array | undefined;
  /** Reseeded with `params.seed` by every `train` call. */
  #rand: Random = seededRandom(0);

  constructor(binned: BinnedMatrix, params: GbdtParams, options: GbdtTrainerOptions = {}) {
    this.#params = params;
    this.#explicitValidation = options.validation !== undefined;
    let train = binned;
    let validation = options.validation;
    this.#heldOut = 0;
    if (validation === undefined && params.earlyStoppingRounds !== undefined) {
      this.#heldOut = Math.max(1, Math.floor(binned.n * params.validationFraction));
      const nTrain = binned.n - this.#heldOut;
      if (nTrain < 1) {
        throw new ConfigInvalidError('too few rows to hold out a validation part for early stopping', [
          { path: 'params.validationFraction', message: `leaves no training rows out of ${binned.n}` },
        ]);
      }
      train = binnedRows(binned, 0, nTrain);
      validation = binnedRows(binned, nTrain, binned.n);
    }
    if (train.n < 1) throw new ConfigInvalidError('no training rows');
    if (validation !== undefined && validation.p !== train.p) {
      throw new ConfigInvalidError(`validation rows have ${validation.p} features, training rows ${train.p}`);
    }
    this.#train = train;
    this.#validation = validation;
    const n = train.n;
    this.#objective = objectiveFor(params);
    this.#builder = new TreeBuilder(train, params, options.kernel);
    this.#score = new Float64Array(n);
    this.#scratch = new Float64Array(n);
    this.#featureMask = new Uint8Array(train.p);
    this.#features = new Int32Array(train.p);
    const bagging = params.baggingFreq > 0 && params.baggingFraction < 1;
    this.#bag = bagging ? new Int32Array(Math.max(1, Math.floor(n * params.baggingFraction))) : undefined;
    this.#inBag = bagging ? new Uint8Array(n) : undefined;
    this.#valScore = validation === undefined ? undefined : new Float64Array(validation.n);
  }

  /** Trains the trees of one target: `y` has a value per row of the constructor's matrix. */
  train(y: Float64Array, options: GbdtTrainOptions = {}): GbdtEnsemble {
    const n = this.#train.n;
    if (y.length !== n + this.#heldOut) {
      throw new ConfigInvalidError(`y has ${y.length} values for ${n + this.#heldOut} rows`);
    }
    checkFinite(y, 'training target');
    let validationY: Float64Array | undefined;
    if (this.#explicitValidation) {
      validationY = options.validationY;
      if (validationY?.length !== this.#validation!.n) {
        throw new ConfigInvalidError(
          `validation targets must have one value per validation row (${this.#validation!.n})`,
        );
      }
      checkFinite(validationY, 'validation target');
    } else if (this.#heldOut > 0) validationY = y.subarray(n);
    return this.#run(y.subarray(0, n), validationY, options.onRound);
  }

  #run(
    y: Float64Array,
    validationY: Float64Array | undefined,
    onRound: GbdtTrainOptions['onRound'],
  ): GbdtEnsemble {
    const params = this.#params;
    const n = this.#train.n;
    const grad = this.#builder.grad;
    // Every target starts from the same state: the result depends on the target alone.
    this.#rand = seededRandom(params.seed);
    this.#featureMask.fill(1);
    for (let f = 0; f < this.#features.length; f++) this.#features[f] = f;
    const baseScore = this.#objective.baseScore(y, n, this.#scratch);
    this.#score.fill(baseScore);
    this.#valScore?.fill(baseScore);
    const trees: GbdtTree[] = [];
    let bestLoss = Number.POSITIVE_INFINITY;
    let bestRounds = 0;
    for (let round = 0; round < params.nEstimators; round++) {
      if (this.#bag !== undefined && round % params.baggingFreq === 0) this.#drawBag();
      this.#objective.gradients(y, this.#score, n, grad);
      if (params.featureFraction < 1) this.#drawFeatures();
      const bag = this.#bag;
      const grown = this.#builder.grow(bag?.length ?? n, bag, this.#featureMask);
      // A tree that cannot split means no row meets the split rules any more: stop, as LightGBM does.
      if (grown.numLeaves < 2) break;
      const values = this.#leafValues(grown, y);
      this.#addToScores(grown, values);
      trees.push(flatTree(grown, values, this.#train));
      const loss = validationY === undefined ? undefined : this.#validate(grown, values, validationY);
      onRound?.(round + 1, loss);
      if (loss === undefined) continue;
      if (loss < bestLoss) {
        bestLoss = loss;
        bestRounds = round + 1;
      } else if (
        params.earlyStoppingRounds !== undefined &&
        round + 1 - bestRounds >= params.earlyStoppingRounds
      ) {
        break;
      }
    }
    // Early stopping keeps the rounds up to the best validation loss and drops the rest.
    if (params.earlyStoppingRounds !== undefined && validationY !== undefined) trees.length = bestRounds;
    return { trees, baseScore, bestIteration: trees.length, nFeatures: this.#train.p };
  }

  // Leaf values times the learning rate: −G/(H + λ) (Newton step), or, for l1 and quantile, the quantile
  // of the leaf's residuals y − score.
  #leafValues(grown: GrownTree, y: Float64Array): Float64Array {
    const { learningRate, lambdaL2 } = this.#params;
    const values = new Float64Array(grown.numLeaves);
    const alpha = this.#objective.refitQuantile;
    const { indices, begin, count } = grown.partition;
    for (let l = 0; l < grown.numLeaves; l++) {
      let v: number;
      if (alpha === undefined) v = -grown.leafGrad[l]! / (grown.leafCount[l]! + lambdaL2);
      else {
        const res = this.#scratch;
        const b = begin[l]!;
        const m = count[l]!;
        for (let k = 0; k < m; k++) {
          const r = indices[b + k]!;
          res[k] = y[r]! - this.#score[r]!;
        }
        v = quantileInPlace(res, 0, m, alpha);
      }
      values[l] = v * learningRate;
    }
    return values;
  }

  #addToScores(grown: GrownTree, values: Float64Array): void {
    const score = this.#score;
    const { indices, begin, count } = grown.partition;
    // Rows the tree was grown on are found through the partition; out-of-bag rows walk the tree.
    for (let l = 0; l < grown.numLeaves; l++) {
      const v = values[l]!;
      const end = begin[l]! + count[l]!;
      for (let k = begin[l]!; k < end; k++) score[indices[k]!]! += v;
    }
    const inBag = this.#inBag;
    if (inBag === undefined) return;
    const { bins, stride, n } = this.#train;
    for (let r = 0; r < n; r++) {
      if (inBag[r] === 0) score[r]! += values[grownLeafOf(grown, bins, stride, r)]!;
    }
  }

  #validate(grown: GrownTree, values: Float64Array, y: Float64Array): number {
    const score = this.#valScore!;
    const { bins, stride, n } = this.#validation!;
    for (let r = 0; r < n; r++) score[r]! += values[grownLeafOf(grown, bins, stride, r)]!;
    return this.#objective.loss(y, score, n);
  }

  #drawBag(): void {
    const bag = this.#bag!;
    const inBag = this.#inBag!;
    sampleSorted(this.#rand, this.#train.n, bag.length, bag);
    inBag.fill(0);
    for (let i = 0; i < bag.length; i++) inBag[bag[i]!] = 1;
  }

  // A partial Fisher–Yates shuffle picks the features; LightGBM draws max(1, round(p · fraction)).
  #drawFeatures(): void {
    const p = this.#train.p;
    const k = Math.max(1, Math.round(p * this.#params.featureFraction));
    const features = this.#features;
    const mask = this.#featureMask;
    mask.fill(0);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.#rand() * (p - i));
      const t = features[i]!;
      features[i] = features[j]!;
      features[j] = t;
      mask[features[i]!] = 1;
    }
  }
}

/** The exported form of a grown tree: float32 thresholds from the bin bounds, values with shrinkage. */
function flatTree(grown: GrownTree, values: Float64Array, data: BinnedMatrix): GbdtTree {
  const nodes = grown.numLeaves - 1;
  const { binOffset, upperBound } = data.mapper;
  const splitFeature = grown.splitFeature.slice(0, nodes);
  const threshold = new Float32Array(nodes);
  for (let i = 0; i < nodes; i++) {
    threshold[i] = upperBound[binOffset[splitFeature[i]!]! + grown.thresholdBin[i]!]!;
  }
  return {
    splitFeature,
    threshold,
    defaultLeft: grown.defaultLeft.slice(0, nodes),
    left: grown.left.slice(0, nodes),
    right: grown.right.slice(0, nodes),
    leafValue: values,
  };
}

function checkFinite(y: Float64Array, what: string): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) throw new ConfigInvalidError(`${what} ${i} is not finite (${y[i]})`);
  }
}

/**
 * Scores feature matrices with an ONNX model through ONNX Runtime (onnxruntime-node, CPU).
 */
import * as ort from 'onnxruntime-node';
import { ModelInvalidError } from '../errors.js';

// One intra-op thread: the server scales by running requests concurrently, and ORT's own thread
// pool would oversubscribe the cores and add latency jitter for the small matrices scored here.
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  // Errors still reach the caller as exceptions; warnings would only add noise to stderr.
  logSeverityLevel: 3,
};

/** An ONNX Runtime session over one model with a single float32 [batch, nFeatures] input. */
export class OnnxScorer {
  /** Name of the model's only input. */
  readonly inputName: string;
  /** Names of the model's outputs, in graph order. */
  readonly outputNames: string[];
  readonly #session: ort.InferenceSession;
  #released = false;

  private constructor(session: ort.InferenceSession, inputName: string) {
    this.#session = session;
    this.inputName = inputName;
    this.outputNames = [...session.outputNames];
  }

  /** Loads a model from `.onnx` bytes; throws ModelInvalidError when ONNX Runtime rejects it. */
  static async fromBytes(bytes: Uint8Array): Promise<OnnxScorer> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
    } catch (err) {
      throw new ModelInvalidError(`ONNX Runtime could not load the model: ${errorMessage(err)}`, err);
    }
    const [inputName, ...extra] = session.inputNames;
    if (inputName === undefined || extra.length > 0) {
      await session.release();
      throw new ModelInvalidError(
        `expected a model with exactly one input, got ${session.inputNames.length}: ${session.inputNames.join(', ')}`,
      );
    }
    return new OnnxScorer(session, inputName);
  }

  /**
   * Scores `nRows` rows of `nFeatures` float32 features (row-major). Returns each output's data
   * keyed by output name; the arrays are the ones ONNX Runtime produced, not copies.
   */
  async run(features: Float32Array, nRows: number, nFeatures: number): Promise<Record<string, Float32Array>> {
    if (this.#released) throw new ModelInvalidError('the ONNX session has been released');
    if (!Number.isSafeInteger(nRows) || nRows < 0 || !Number.isSafeInteger(nFeatures) || nFeatures <= 0) {
      throw new ModelInvalidError(`invalid feature matrix shape [${nRows}, ${nFeatures}]`);
    }
    if (features.length !== nRows * nFeatures) {
      throw new ModelInvalidError(
        `feature matrix has ${features.length} values, expected nRows*nFeatures = ${nRows}*${nFeatures}`,
      );
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      const input = new ort.Tensor('float32', features, [nRows, nFeatures]);
      results = await this.#session.run({ [this.inputName]: input });
    } catch (err) {
      throw new ModelInvalidError(`ONNX Runtime failed to run the model: ${errorMessage(err)}`, err);
    }
    const out: Record<string, Float32Array> = {};
    for (const name of this.outputNames) {
      const data = results[name]?.data;
      if (!(data instanceof Float32Array)) {
        throw new ModelInvalidError(
          `output ${name} is ${results[name]?.type ?? 'missing'}, expected float32`,
        );
      }
      out[name] = data;
    }
    return out;
  }

  /** Frees the native session; later `run` calls throw. Safe to call more than once. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#session.release();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

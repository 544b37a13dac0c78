/**
 * The histogram kernels in WebAssembly SIMD: each row adds the pair (gradient, 1) to its bins with one
 * 128-bit load/add/store, about twice as fast as the JavaScript loop in `histogram.ts` (which stays as
 * the fallback and the reference: both add the same numbers in the same order, so results are identical).
 */
import { I32, op, V128, type WasmFunction } from './wasm-assembler.js';

/** The histogram kernels; pointers and sizes are byte offsets into the kernels' memory. */
export interface WasmHistogramKernels {
  /**
   * Adds rows `idx[begin..end)` into the (zeroed) histogram at `hist`: for each row r, bins
   * `bins + r·stride` (stride a multiple of 4) and gradient `grad[r]` (f64). `lanes` holds, per byte of a
   * row, the byte offset in the histogram of that feature's bin 0 (16 bytes per bin).
   */
  build(
    hist: number,
    idx: number,
    begin: number,
    end: number,
    grad: number,
    bins: number,
    stride: number,
    lanes: number,
  ): void;
  /** `dst −= src` over `bytes` bytes of f64 pairs (the sibling-histogram subtraction). */
  subtract(dst: number, src: number, bytes: number): void;
}

// build's locals after its 8 parameters.
const [K, K_END, ROW, ROW_END, WORD, LANE, AT, PAIR] = [8, 9, 10, 11, 12, 13, 14, 15];

// One byte lane of a 32-bit word of bins: hist[lanes[j] + bin·16] += (g, 1).
function addLane(shift: number, laneOffset: number): (readonly number[])[] {
  const bin: (readonly number[])[] = [op.get(WORD), ...(shift > 0 ? [op.i32Const(shift), op.i32ShrU] : [])];
  if (shift < 24) bin.push(op.i32Const(255), op.i32And);
  return [
    op.get(0),
    op.get(LANE),
    op.i32Load(laneOffset),
    op.i32Add,
    ...bin,
    op.i32Const(4),
    op.i32Shl,
    op.i32Add,
    op.tee(AT),
    op.get(AT),
    op.v128Load(),
    op.get(PAIR),
    op.f64x2Add,
    op.v128Store(),
  ];
}

/** `build`, see {@link WasmHistogramKernels}. */
export const BUILD: WasmFunction = {
  name: 'build',
  params: [I32, I32, I32, I32, I32, I32, I32, I32],
  locals: [
    [7, I32],
    [1, V128],
  ],
  body: [
    // k = idx + 4·begin, kEnd = idx + 4·end
    ...[op.get(1), op.get(2), op.i32Const(2), op.i32Shl, op.i32Add, op.set(K)],
    ...[op.get(1), op.get(3), op.i32Const(2), op.i32Shl, op.i32Add, op.set(K_END)],
    op.block,
    op.loop,
    ...[op.get(K), op.get(K_END), op.i32GeU, op.brIf(1)],
    // pair = (grad[row], 1.0); row pointer = bins + row·stride
    ...[op.get(K), op.i32Load(), op.set(ROW)],
    ...[op.get(4), op.get(ROW), op.i32Const(3), op.i32Shl, op.i32Add, op.f64Load()],
    ...[op.f64x2Splat, op.f64Const(1), op.f64x2ReplaceLane(1), op.set(PAIR)],
    ...[
      op.get(5),
      op.get(ROW),
      op.get(6),
      op.i32Mul,
      op.i32Add,
      op.tee(ROW),
      op.get(6),
      op.i32Add,
      op.set(ROW_END),
    ],
    ...[op.get(7), op.set(LANE)],
    op.block,
    op.loop,
    ...[op.get(ROW), op.get(ROW_END), op.i32GeU, op.brIf(1)],
    ...[op.get(ROW), op.i32Load(), op.set(WORD)],
    ...addLane(0, 0),
    ...addLane(8, 4),
    ...addLane(16, 8),
    ...addLane(24, 12),
    ...[op.get(ROW), op.i32Const(4), op.i32Add, op.set(ROW)],
    ...[op.get(LANE), op.i32Const(16), op.i32Add, op.set(LANE)],
    op.br(0),
    op.end,
    op.end,
    ...[op.get(K), op.i32Const(4), op.i32Add, op.set(K)],
    op.br(0),
    op.end,
    op.end,
  ],
};

/** `subtract`, see {@link WasmHistogramKernels}. */
export const SUBTRACT: WasmFunction = {
  name: 'subtract',
  params: [I32, I32, I32],
  locals: [[1, I32]],
  body: [
    ...[op.get(0), op.get(2), op.i32Add, op.set(3)],
    op.block,
    op.loop,
    ...[op.get(0), op.get(3), op.i32GeU, op.brIf(1)],
    ...[op.get(0), op.get(0), op.v128Load(), op.get(1), op.v128Load(), op.f64x2Sub, op.v128Store()],
    ...[op.get(0), op.i32Const(16), op.i32Add, op.set(0)],
    ...[op.get(1), op.i32Const(16), op.i32Add, op.set(1)],
    op.br(0),
    op.end,
    op.end,
  ],
};

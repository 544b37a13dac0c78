/**
 * `findBestSplit` in WebAssembly SIMD. A bin's (Σg, count) pair is one f64x2, so the running left sums,
 * the right sums and both sides' scores g²/(h + λ) take one vector operation each — above all one
 * division instruction for both sides, the split search's bottleneck. The arithmetic is the same as in
 * `split-finder.ts`, operation for operation, so both find the same split bit for bit.
 */
import { F64, I32, op, V128, type WasmFunction } from './wasm-assembler.js';

/** Byte layout of the result the kernel writes at `out`. */
export const SPLIT_OUT = { gain: 0, grad: 8, count: 16, feature: 24, bin: 28, defaultLeft: 32, bytes: 40 };

// Parameters: histogram, binOffset (i32 [p+1]), feature mask (u8 [p]), p, Σg, count, min count, λ,
// parent score, out.
const [HIST, OFFSETS, MASK, P, SUM_GRAD, COUNT, MIN_COUNT, LAMBDA, PARENT, OUT] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
];
// Locals.
const [F, AT, END, BEST_F, BEST_BIN, BEST_LEFT, FIRST] = [10, 11, 12, 13, 14, 15, 16];
const [BEST, BEST_G, BEST_C, C_MISS, CL, LC, GAIN] = [17, 18, 19, 20, 21, 22, 23];
const [ACC, MISS, TOTAL, LAM, PAIR, SIDE, RIGHT, TMP] = [24, 25, 26, 27, 28, 29, 30, 31];

const LANE0 = [0, 1, 2, 3, 4, 5, 6, 7];
const LANE1 = [8, 9, 10, 11, 12, 13, 14, 15];
const byte16 = (lanes: number[]) => lanes.map((b) => b + 16);

// gain = (gL²/(hL + λ) + gR²/(hR + λ)) − parent, with `left` and RIGHT holding (g, h) pairs.
function gain(left: number): (readonly number[])[] {
  return [
    ...[op.get(left), op.get(RIGHT), op.i8x16Shuffle([...LANE0, ...byte16(LANE0)]), op.tee(TMP), op.get(TMP)],
    op.f64x2Mul,
    ...[op.get(left), op.get(RIGHT), op.i8x16Shuffle([...LANE1, ...byte16(LANE1)]), op.get(LAM), op.f64x2Add],
    op.f64x2Div,
    ...[op.tee(TMP), op.f64x2ExtractLane(0), op.get(TMP), op.f64x2ExtractLane(1), op.f64Add],
    ...[op.get(PARENT), op.f64Sub],
  ];
}

// If `gain` beats the best so far, remember this candidate: left side `left`, count `count`.
function keepIfBetter(left: number, count: number, defaultLeft: number): (readonly number[])[] {
  return [
    ...[op.tee(GAIN), op.get(BEST), op.f64Gt, op.if],
    ...[op.get(GAIN), op.set(BEST), op.get(F), op.set(BEST_F)],
    // bin = (at − hist) / 16 − first
    ...[
      op.get(AT),
      op.get(HIST),
      op.i32Sub,
      op.i32Const(4),
      op.i32ShrS,
      op.get(FIRST),
      op.i32Sub,
      op.set(BEST_BIN),
    ],
    ...[op.i32Const(defaultLeft), op.set(BEST_LEFT)],
    ...[op.get(left), op.f64x2ExtractLane(0), op.set(BEST_G), op.get(count), op.set(BEST_C)],
    op.end,
  ];
}

/** The split kernel: `split(hist, offsets, mask, p, sumGrad, count, minCount, lambda, parentScore, out)`. */
export const SPLIT: WasmFunction = {
  name: 'split',
  params: [I32, I32, I32, I32, F64, F64, F64, F64, F64, I32],
  locals: [
    [7, I32],
    [7, F64],
    [8, V128],
  ],
  body: [
    ...[op.get(SUM_GRAD), op.f64x2Splat, op.get(COUNT), op.f64x2ReplaceLane(1), op.set(TOTAL)],
    ...[op.get(LAMBDA), op.f64x2Splat, op.set(LAM)],
    ...[op.i32Const(-1), op.set(BEST_F)],
    op.block,
    op.loop,
    ...[op.get(F), op.get(P), op.i32GeS, op.brIf(1)],
    op.block,
    ...[op.get(MASK), op.get(F), op.i32Add, op.i32Load8U(), op.i32Eqz, op.brIf(0)],
    // first = offsets[f]; end = hist + 16·offsets[f + 1]
    ...[
      op.get(OFFSETS),
      op.get(F),
      op.i32Const(2),
      op.i32Shl,
      op.i32Add,
      op.tee(AT),
      op.i32Load(),
      op.set(FIRST),
    ],
    ...[op.get(AT), op.i32Load(4), op.i32Const(4), op.i32Shl, op.get(HIST), op.i32Add, op.set(END)],
    // miss = the missing bin's pair; at = first value bin
    ...[
      op.get(HIST),
      op.get(FIRST),
      op.i32Const(4),
      op.i32Shl,
      op.i32Add,
      op.tee(AT),
      op.v128Load(),
      op.tee(MISS),
    ],
    ...[op.f64x2ExtractLane(1), op.set(C_MISS)],
    ...[op.get(AT), op.i32Const(16), op.i32Add, op.set(AT)],
    ...[op.v128Const(Array(16).fill(0)), op.set(ACC)],
    op.block,
    op.loop,
    ...[op.get(AT), op.get(END), op.i32GeU, op.brIf(1)],
    op.block,
    // An empty bin splits the rows as the one before it.
    ...[
      op.get(AT),
      op.v128Load(),
      op.tee(PAIR),
      op.f64x2ExtractLane(1),
      op.f64Const(0),
      op.f64Eq,
      op.brIf(0),
    ],
    ...[op.get(ACC), op.get(PAIR), op.f64x2Add, op.tee(ACC), op.f64x2ExtractLane(1), op.set(CL)],
    // The right side only shrinks from here: once below the minimum, this feature is done.
    ...[op.get(COUNT), op.get(CL), op.f64Sub, op.get(MIN_COUNT), op.f64Lt, op.brIf(2)],
    // Missing values left: side = acc + miss.
    ...[op.get(ACC), op.get(MISS), op.f64x2Add, op.tee(SIDE), op.f64x2ExtractLane(1), op.tee(LC)],
    ...[
      op.get(MIN_COUNT),
      op.f64Ge,
      op.get(COUNT),
      op.get(LC),
      op.f64Sub,
      op.get(MIN_COUNT),
      op.f64Ge,
      op.i32And,
    ],
    op.if,
    ...[op.get(TOTAL), op.get(SIDE), op.f64x2Sub, op.set(RIGHT)],
    ...gain(SIDE),
    ...keepIfBetter(SIDE, LC, 1),
    op.end,
    // Missing values right (only distinct when there are some): side = acc.
    ...[op.get(C_MISS), op.f64Const(0), op.f64Gt, op.get(CL), op.get(MIN_COUNT), op.f64Ge, op.i32And],
    op.if,
    ...[op.get(TOTAL), op.get(ACC), op.f64x2Sub, op.set(RIGHT)],
    ...gain(ACC),
    ...keepIfBetter(ACC, CL, 0),
    op.end,
    op.end,
    ...[op.get(AT), op.i32Const(16), op.i32Add, op.set(AT)],
    op.br(0),
    op.end,
    op.end,
    op.end,
    ...[op.get(F), op.i32Const(1), op.i32Add, op.set(F)],
    op.br(0),
    op.end,
    op.end,
    ...[op.get(OUT), op.get(BEST), op.f64Store(SPLIT_OUT.gain)],
    ...[op.get(OUT), op.get(BEST_G), op.f64Store(SPLIT_OUT.grad)],
    ...[op.get(OUT), op.get(BEST_C), op.f64Store(SPLIT_OUT.count)],
    ...[op.get(OUT), op.get(BEST_F), op.i32Store(SPLIT_OUT.feature)],
    ...[op.get(OUT), op.get(BEST_BIN), op.i32Store(SPLIT_OUT.bin)],
    ...[op.get(OUT), op.get(BEST_LEFT), op.i32Store(SPLIT_OUT.defaultLeft)],
  ],
};

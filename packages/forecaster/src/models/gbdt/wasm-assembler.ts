/**
 * Just enough of the WebAssembly binary format to write the histogram kernel by hand: LEB128 numbers,
 * the handful of opcodes it uses, and a module with one imported memory and exported functions. Writing
 * bytes here avoids a compiler toolchain in the build; the kernel is small enough to read as code.
 */

/** 32-bit integer value type. */
export const I32 = 0x7f;
/** 64-bit float value type. */
export const F64 = 0x7c;
/** 128-bit SIMD vector type. */
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// memarg: alignment exponent, then a constant byte offset added to the address operand.
const mem = (code: number[], align: number, offset: number): number[] => [...code, align, ...uleb(offset)];

/** Instructions used by the kernel, each as its encoded bytes. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Load: (offset = 0) => mem([0x28], 2, offset),
  i32Load8U: (offset = 0) => mem([0x2d], 0, offset),
  f64Load: (offset = 0) => mem([0x2b], 3, offset),
  i32Store: (offset = 0) => mem([0x36], 2, offset),
  f64Store: (offset = 0) => mem([0x39], 3, offset),
  i32Const: (v: number) => [0x41, ...sleb(v)],
  // Only assembled on little-endian hosts, where these bytes are the little-endian encoding wasm wants.
  f64Const: (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
  i32Eqz: [0x45],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  f64Eq: [0x61],
  f64Lt: [0x63],
  f64Gt: [0x64],
  f64Ge: [0x66],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32ShrS: [0x75],
  i32ShrU: [0x76],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  v128Load: (offset = 0) => mem([0xfd, 0x00], 4, offset),
  v128Store: (offset = 0) => mem([0xfd, 0x0b], 4, offset),
  v128Const: (bytes: readonly number[]) => [0xfd, 0x0c, ...bytes],
  i8x16Shuffle: (lanes: readonly number[]) => [0xfd, 0x0d, ...lanes],
  f64x2Splat: [0xfd, 0x14],
  f64x2ExtractLane: (lane: number) => [0xfd, 0x21, lane],
  f64x2ReplaceLane: (lane: number) => [0xfd, 0x22, lane],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Sub: [0xfd, ...uleb(0xf1)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
  f64x2Div: [0xfd, ...uleb(0xf3)],
} as const;

/** One exported function: parameter types, extra locals by type, and body (without the final end). */
export interface WasmFunction {
  name: string;
  params: readonly number[];
  locals: readonly (readonly [count: number, type: number])[];
  body: readonly (readonly number[])[];
}

const vec = (items: readonly (readonly number[])[]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: readonly number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => vec([...new TextEncoder().encode(s)].map((b) => [b]));

/** A module importing memory `env.memory` and exporting `functions` (each returns nothing). */
export function assembleModule(functions: readonly WasmFunction[]): Uint8Array {
  const types = section(1, vec(functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0])));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]));
  const decls = section(3, vec(functions.map((_, i) => uleb(i))));
  const exports = section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])));
  const bodies = functions.map((f) => {
    const code = [
      ...vec(f.locals.map(([count, type]) => [...uleb(count), type])),
      ...f.body.flat(),
      ...op.end,
    ];
    return [...uleb(code.length), ...code];
  });
  const code = section(10, vec(bodies));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...types,
    ...imports,
    ...decls,
    ...exports,
    ...code,
  ]);
}

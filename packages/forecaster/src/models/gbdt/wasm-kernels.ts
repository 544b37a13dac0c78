/**
 * Compiles the hand-written WebAssembly kernels (histogram building and subtraction, split search) once
 * per thread and instantiates them over a memory that holds all of a tree builder's buffers.
 */
import { BUILD, SUBTRACT, type WasmHistogramKernels } from './histogram-wasm.js';
import { SPLIT } from './split-wasm.js';
import { assembleModule } from './wasm-assembler.js';

/** A WebAssembly.Memory (typed here: the project's libs do not declare the WebAssembly API). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** Every kernel; pointers are byte offsets into their memory. */
export interface WasmKernels extends WasmHistogramKernels {
  /** See `split-wasm.ts`: writes the best split of a histogram at `out` (layout SPLIT_OUT). */
  split(
    hist: number,
    offsets: number,
    mask: number,
    p: number,
    sumGrad: number,
    count: number,
    minCount: number,
    lambda: number,
    parentScore: number,
    out: number,
  ): void;
}

// The slice of the WebAssembly JavaScript API used here.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasmApi = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

let compiled: object | null | undefined;

// WebAssembly memory is little-endian while typed-array views use the host's byte order, so the kernels
// are only used where the two agree (every mainstream host); null also when SIMD is not supported.
function kernelModule(): object | null {
  if (compiled === undefined) {
    const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    try {
      compiled =
        littleEndian && wasmApi !== undefined
          ? new wasmApi.Module(assembleModule([BUILD, SUBTRACT, SPLIT]))
          : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** A fixed-size WebAssembly memory of `pages` 64 KiB pages, or undefined when it cannot be had. */
export function wasmMemory(pages: number): WasmMemory | undefined {
  if (wasmApi === undefined || kernelModule() === null) return undefined;
  try {
    return new wasmApi.Memory({ initial: pages, maximum: pages });
  } catch {
    return undefined; // not enough address space: the JavaScript kernels need less at once
  }
}

/** Instantiates the kernels over `memory` (from {@link wasmMemory}). */
export function wasmKernels(memory: WasmMemory): WasmKernels {
  const instance = new wasmApi!.Instance(kernelModule()!, { env: { memory } });
  return instance.exports as unknown as WasmKernels;
}

import { MonitorProfileInvalidError } from './errors.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Base64 of float64 values as little-endian bytes (on any host): exact, about 11 characters a value. */
export function encodeFloat64(values: Float64Array): string {
  if (LITTLE_ENDIAN)
    return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  const bytes = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) bytes.writeDoubleLE(values[i]!, i * 8);
  return bytes.toString('base64');
}

/** Inverse of {@link encodeFloat64}; `MONITOR_PROFILE_INVALID` when the text is not whole float64 values. */
export function decodeFloat64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 8 !== 0)
    throw new MonitorProfileInvalidError('profile values are not a whole number of float64 values');
  const out = new Float64Array(bytes.byteLength / 8);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else for (let i = 0; i < out.length; i++) out[i] = bytes.readDoubleLE(i * 8);
  return out;
}

import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of two secrets: both are hashed first, so neither the content nor the
 * length of the expected key leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

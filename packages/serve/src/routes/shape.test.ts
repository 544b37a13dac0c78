import { describe, expect, it } from 'vitest';
import { isoUtc } from './shape.js';

describe('isoUtc', () => {
  it('formats exactly as toISOString, across days, centuries, negative times and the range edges', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const cases = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, -62_167_219_200_000, 253_402_300_799_999];
    cases.push(-62_167_219_200_001, 253_402_300_800_000, 1.5);
    for (let i = 0; i < 20_000; i++) cases.push(Math.round((next() * 2 - 1) * 2.5e14));
    // Consecutive half-hours, as an answer's steps are.
    for (let i = 0; i < 500; i++) cases.push(Date.UTC(2024, 1, 28) + i * 1_800_000);
    for (const ms of cases) expect(isoUtc(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});

import { describe, expect, it } from 'vitest';
import { predictBody, useServedApp } from './fixtures.js';

/**
 * Issue 7 (fuzzing): finite but extreme cells (±1e308) overflow the features, the forecast becomes
 * NaN/±Infinity, which JSON cannot carry, and the response serialiser failed with a 500 INTERNAL.
 * Such a request is now refused as 422 DATA_INVALID.
 */
describe('issue 7: a forecast that overflows is a 422, not a 500', () => {
  const served = useServedApp();

  /** The valid body with every history row's load set to `load`. */
  const extreme = (load: (i: number) => number) => {
    const body = predictBody();
    body.records.forEach((r, i) => {
      if (r.load !== null) r.load = load(i);
    });
    return body;
  };

  it.each(['/predict', '/predict-interval'])('%s with load 1e308 → 422 DATA_INVALID', async (url) => {
    const res = await served.app.inject({ method: 'POST', url, payload: extreme(() => 1e308) });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('DATA_INVALID');
  });

  it('alternating ±1e308 → 422 DATA_INVALID', async () => {
    const payload = extreme((i) => (i % 2 ? 1e308 : -1e308));
    const res = await served.app.inject({ method: 'POST', url: '/predict', payload });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('DATA_INVALID');
  });

  it('large loads that float32 features can hold (1e9) still forecast', async () => {
    const res = await served.app.inject({
      method: 'POST',
      url: '/predict',
      payload: extreme((i) => 1e9 + i),
    });
    expect(res.statusCode).toBe(200);
    const values = (res.json().forecasts as { predictions: number[][][] }[]).flatMap((f) =>
      f.predictions.flat(2),
    );
    expect(values.every(Number.isFinite)).toBe(true);
  });
});

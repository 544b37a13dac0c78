import { describe, expect, it } from 'vitest';
import { isModelUri, parseModelUri } from './fetch-model.js';

describe('models:/ URIs', () => {
  it('parse an alias or a version', () => {
    expect(parseModelUri('models:/demand@champion')).toEqual({ name: 'demand', alias: 'champion' });
    expect(parseModelUri('models:/demand/3')).toEqual({ name: 'demand', version: '3' });
    expect(isModelUri('./checkpoints')).toBe(false);
  });

  it.each(['models:/demand', 'models:/@champion', 'models:/a/b/c', 'models:/demand@'])(
    'reject %s with TRACKING_INVALID',
    (uri) => {
      expect(() => parseModelUri(uri)).toThrow(expect.objectContaining({ code: 'TRACKING_INVALID' }));
    },
  );
});

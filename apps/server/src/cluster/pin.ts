import type { ModelPin } from '@twiga/serve';

/** Whether two pins name the same model (the same checkpoint version, or the same registry version). */
export function samePin(a: ModelPin, b: ModelPin): boolean {
  if ('version' in a && 'version' in b) return a.version === b.version;
  if ('registryVersion' in a && 'registryVersion' in b) return a.registryVersion === b.registryVersion;
  return false;
}

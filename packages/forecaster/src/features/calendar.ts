import type { CalendarFeature } from '../config.js';

const TWO_PI = 2 * Math.PI;

/** Position of `ms` within the feature's cycle as a fraction in [0, 1), in UTC. */
export function calendarPhase(feature: CalendarFeature, ms: number): number {
  const d = new Date(ms);
  switch (feature) {
    case 'minute':
      return (d.getUTCMinutes() + d.getUTCSeconds() / 60) / 60;
    case 'hour':
      return (d.getUTCHours() + d.getUTCMinutes() / 60) / 24;
    case 'dayofweek':
      return (d.getUTCDay() + (d.getUTCHours() + d.getUTCMinutes() / 60) / 24) / 7;
    case 'month':
      return d.getUTCMonth() / 12;
    case 'dayofyear': {
      const start = Date.UTC(d.getUTCFullYear(), 0, 1);
      return (ms - start) / 86_400_000 / 365.25;
    }
  }
}

/** Write sin and cos of the feature's phase at `out[offset]` and `out[offset + 1]`. */
export function writeCalendarPair(
  feature: CalendarFeature,
  ms: number,
  out: Float32Array | Float64Array,
  offset: number,
): void {
  const angle = TWO_PI * calendarPhase(feature, ms);
  out[offset] = Math.sin(angle);
  out[offset + 1] = Math.cos(angle);
}

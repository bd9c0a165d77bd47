import { describe, expect, it } from 'vitest';
import { activityPath } from './sparkline.ts';

const MIN = 60_000;
const seg = (i: number, events: number, minutes = 1) => ({ from: i * MIN, to: (i + minutes) * MIN, events });

describe('activityPath', () => {
  it('draws one closed step area over contiguous segments, the busiest at full height', () => {
    expect(activityPath([seg(0, 10), seg(1, 20)], 100, 20)).toBe('M0 20L0 10L50 10L50 0L100 0L100 20Z');
  });

  it('drops to the baseline over a hole, so missing time is not drawn as activity', () => {
    const d = activityPath([seg(0, 5), seg(2, 5)], 30, 10);
    expect(d).toBe('M0 10L0 0L10 0L10 10ZM20 10L20 0L30 0L30 10Z');
  });

  it('scales by rate: a segment half as long with half the events is as tall', () => {
    const d = activityPath([seg(0, 10, 2), seg(2, 5)], 60, 8);
    expect(d).toBe('M0 8L0 0L40 0L40 0L60 0L60 8Z');
  });

  it('is empty without segments and flat when none has events', () => {
    expect(activityPath([], 10, 10)).toBe('');
    expect(activityPath([seg(0, 0)], 10, 4)).toBe('M0 4L0 4L10 4L10 4Z');
  });
});

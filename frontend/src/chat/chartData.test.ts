import { describe, expect, it } from 'vitest';
import { planChart, seriesFor } from './chartData';

describe('planChart', () => {
  it('shows one number as a number, with bars and lines not offered', () => {
    expect(planChart(['total_calls'], [[3000]], { kind: 'number', x: null, y: ['total_calls'] })).toEqual({
      suggested: 'number',
      available: ['number', 'table'],
      x: null,
      y: ['total_calls'],
    });
  });

  it('follows the API\'s suggestion and offers the other chart types', () => {
    const plan = planChart(['day', 'calls'], [['2026-01-01', 5], ['2026-01-02', 7]], { kind: 'line', x: 'day', y: ['calls'] });
    expect(plan.suggested).toBe('line');
    expect(plan.available).toEqual(['bar', 'line', 'table']);
  });

  it('falls back when the suggestion does not fit the rows', () => {
    const plan = planChart(['agent', 'note'], [['a', 'b']], { kind: 'bar', x: 'agent', y: ['note'] });
    expect(plan).toMatchObject({ suggested: 'table', available: ['table'] });
  });
});

describe('seriesFor', () => {
  it('makes one series per measure and skips null values', () => {
    expect(seriesFor(['queue', 'calls', 'aht'], [['A', 3, 100], ['B', null, 120]], 'queue', ['calls', 'aht'])).toEqual([
      { title: 'calls', data: [{ x: 'A', y: 3 }] },
      { title: 'aht', data: [{ x: 'A', y: 100 }, { x: 'B', y: 120 }] },
    ]);
  });
});

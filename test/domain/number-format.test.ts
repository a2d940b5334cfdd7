import { describe, expect, it } from 'vitest';
import { formatContractWte, formatFigure, formatNumber, plainFixed } from '../../src/domain/number-format.js';
import { numberFormat } from '../../src/services/workforce/report.js';
import { createViewEnvironment } from '../../src/web/plugins/views.js';

describe('number format', () => {
  it('never shows "-0": negative zero and negatives that round to zero are 0', () => {
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-0.04)).toBe('0');
    expect(formatFigure(-0)).toBe('0.0');
    expect(formatFigure(-0.04, 'cy')).toBe('0.0');
    expect(numberFormat('en').format(-0.01)).toBe('0.0');
    expect(numberFormat('en', 3).format(-0.0001)).toBe('0');
    expect(plainFixed(-0.00001, 4)).toBe('0.0000');
    expect(plainFixed(-0, 1)).toBe('0.0');
    expect(plainFixed(-1.25, 1)).toBe('-1.3');
  });

  it('shows workforce figures to one decimal place, always, and counts whole', () => {
    expect(formatFigure(13.96)).toBe('14.0');
    expect(formatFigure(13.2)).toBe('13.2');
    expect(formatFigure(-10.35)).toBe('-10.4');
    expect(numberFormat('en').format(13)).toBe('13.0');
    expect(formatNumber(1234)).toBe('1,234');
    expect(formatNumber(13.96)).toBe('14');
    expect(formatContractWte(1)).toBe('1.00');
    expect(formatContractWte(0.75, 'cy')).toBe('0.75');
  });

  it('gives the page templates the same rule through the number and figure filters', () => {
    const env = createViewEnvironment(false);
    expect(env.renderString('{{ a | number("en") }} {{ b | figure("cy") }} {{ c | figure("en") }} {{ d | contractWte("en") }} {{ e | numberList("en") }}', { a: -0, b: -0.02, c: 13.96, d: 0.75, e: [1200, -0, 2.54] })).toBe('0 0.0 14.0 0.75 1,200 · 0 · 2.5');
  });
});

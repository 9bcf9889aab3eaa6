import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/ui/color.js';

describe('colorLevel', () => {
  it('NO_COLOR (set, not empty) turns colour off; FORCE_COLOR, which chalk reads itself, wins over it', () => {
    expect(colorLevel(2, {})).toBe(2);
    expect(colorLevel(2, { NO_COLOR: '1' })).toBe(0);
    expect(colorLevel(2, { NO_COLOR: '' })).toBe(2);
    expect(colorLevel(1, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(1);
    expect(colorLevel(0, { NO_COLOR: '1', FORCE_COLOR: '0' })).toBe(0);
  });
});

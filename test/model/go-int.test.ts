/** Integers as Go's strconv reads them (lib/model/go-int.ts). */
import { describe, expect, it } from 'vitest';
import { goAtoi } from '../../lib/model/go-int.js';

describe("Go's strconv.Atoi, for a cron field and an Argo CD sync wave", () => {
  it('reads a sign and digits alone, within 64 bits, and says why it refuses anything else', () => {
    expect([goAtoi('-3'), goAtoi('+07'), goAtoi('9223372036854775807'), goAtoi('-9223372036854775808')]).toEqual([
      -3n,
      7n,
      9223372036854775807n,
      -9223372036854775808n,
    ]);
    expect([goAtoi(' 1'), goAtoi('1.0'), goAtoi(''), goAtoi('\u0661'), goAtoi('9223372036854775808')]).toEqual([
      'invalid syntax',
      'invalid syntax',
      'invalid syntax',
      'invalid syntax',
      'value out of range',
    ]);
  });
});

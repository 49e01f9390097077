/** cosSinTurn: engine-independent cos/sin of 2πj/N, against Math.cos/Math.sin. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosSinTurn } from '../../src/util/twiddle.ts';

test('cosSinTurn(j, N) equals cos/sin(2πj/N) to rounding (the argument 2πm/N of Math.cos is itself rounded), exactly at the multiples of π/2', () => {
  let worst = 0;
  for (const N of [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 40, 64, 102, 128, 1000]) {
    for (let j = -N; j <= 2 * N; j++) {
      const { cos, sin } = cosSinTurn(j, N);
      const m = ((j % N) + N) % N;
      const a = (2 * Math.PI * m) / N;
      worst = Math.max(worst, Math.abs(cos - Math.cos(a)), Math.abs(sin - Math.sin(a)));
      assert.ok(cos * cos + sin * sin - 1 < 5e-16);
    }
  }
  assert.ok(worst < 1.2e-15, `worst deviation ${worst}`);
  // Exact at the quarter turns (±0 alike).
  const exact = (j: number, N: number, c: number, s: number) => {
    const t = cosSinTurn(j, N);
    assert.ok(t.cos === c && t.sin === s, `${j}/${N}: ${t.cos}, ${t.sin}`);
  };
  exact(0, 7, 1, 0);
  exact(1, 4, 0, 1);
  exact(2, 4, -1, 0);
  exact(3, 4, 0, -1);
  exact(-1, 4, 0, -1);
});

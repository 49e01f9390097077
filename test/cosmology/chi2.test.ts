import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Chi2Classifier, symmetricEigen, pinvSymmetric } from '../../src/predictors/chi2.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

test('symmetricEigen reconstructs a random symmetric matrix', () => {
  const n = 12;
  const rng = new Rng(5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  const { values, vectors } = symmetricEigen(a, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
      assert.ok(Math.abs(s - a[i * n + j]) < 1e-10);
    }
  }
});

test('pinvSymmetric inverts regular matrices and pseudo-inverts singular ones', () => {
  const a = Float64Array.from([4, 1, 0, 1, 3, 0, 0, 0, 0]); // third row/column zero: singular
  const p = pinvSymmetric(a, 3);
  // on the regular 2×2 block: inverse of [[4,1],[1,3]] = [[3,-1],[-1,4]]/11; zero elsewhere
  const expected = [3 / 11, -1 / 11, 0, -1 / 11, 4 / 11, 0, 0, 0, 0];
  assert.ok(Array.from(p).every((v, i) => Math.abs(v - expected[i]) < 1e-12));
  // Moore–Penrose: A P A = A
  const apa = matmul(matmul(a, p, 3), a, 3);
  assert.ok(Array.from(apa).every((v, i) => Math.abs(v - a[i]) < 1e-12));
});

test('Chi2Classifier: means, covariances and a Mahalanobis (not Euclidean) decision', () => {
  // class 0 around (0,0): wide in x (var 400/3), narrow in y (var 0.04/3)
  // class 1 around (3,0): narrow in both (var 0.04/3)
  const rows = [
    [10, 0.1], [-10, 0.1], [10, -0.1], [-10, -0.1],
    [3.1, 0.1], [2.9, 0.1], [3.1, -0.1], [2.9, -0.1],
  ];
  const H = ndarray(Float64Array.from(rows.flat()), [8, 2]);
  const labels = [0, 0, 0, 0, 1, 1, 1, 1];
  const values = [0.2, 0.2, 0.2, 0.2, 0.4, 0.4, 0.4, 0.4];
  const clf = Chi2Classifier.fit(H, labels, values);
  assert.deepEqual(clf.classes.map((c) => [c.label, c.value, c.count]), [[0, 0.2, 4], [1, 0.4, 4]]);
  assert.ok(Math.abs(clf.classes[0].invCov[0] - 3 / 400) < 1e-12);
  assert.ok(Math.abs(clf.classes[0].invCov[3] - 3 / 0.04) < 1e-9);
  // (2, 0) is closer to class 1 in Euclidean distance, but χ²_0 = 4·3/400 = 0.03 < χ²_1 = 1·3/0.04 = 75
  const chis = clf.chi2([2, 0]);
  assert.ok(Math.abs(chis[0] - 0.03) < 1e-12);
  assert.ok(Math.abs(chis[1] - 75) < 1e-9);
  const test = ndarray(Float64Array.from([2, 0, 3, 0.05, 0, 0]), [3, 2]);
  assert.deepEqual(Array.from(clf.predict(test)), [0.2, 0.4, 0.2]);
  assert.deepEqual(Array.from(clf.predictLabels(test)), [0, 1, 0]);
  // round trip through JSON
  const again = Chi2Classifier.fromJSON(JSON.parse(JSON.stringify(clf.toJSON())));
  assert.deepEqual(Array.from(again.predict(test)), [0.2, 0.4, 0.2]);
});

test('Chi2Classifier copes with an always-empty bin (singular covariance) and recovers classes', () => {
  const rng = new Rng(11);
  const means = [[5, 0, 2], [6, 0, 4], [5, 0, 6]];
  const n = 60;
  const data: number[] = [];
  const labels: number[] = [];
  const values: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      data.push(means[c][0] + 0.3 * rng.normal(), 0, means[c][2] + 0.3 * rng.normal());
      labels.push(c);
      values.push(0.2 + 0.1 * c);
    }
  }
  const H = ndarray(Float64Array.from(data), [3 * n, 3]);
  for (const inverse of ['pinv', 'ridge'] as const) {
    const clf = Chi2Classifier.fit(H, labels, values, { inverse });
    const pred = clf.predict(ndarray(Float64Array.from(means.flat()), [3, 3]));
    assert.deepEqual(Array.from(pred).map((v) => v.toFixed(1)), ['0.2', '0.3', '0.4'], inverse);
  }
  // Hartlap rescales every χ² of a class by (n - d - 2)/(n - 1)
  const plain = Chi2Classifier.fit(H, labels, values);
  const hart = Chi2Classifier.fit(H, labels, values, { hartlap: true });
  const f = (n - 3 - 2) / (n - 1);
  const c0 = plain.chi2([5.5, 0, 3]);
  const c1 = hart.chi2([5.5, 0, 3]);
  c0.forEach((v, i) => assert.ok(Math.abs(c1[i] - f * v) < 1e-9 * Math.max(1, v)));
});

test('Chi2Classifier rejects classes too small for a covariance or with mixed values', () => {
  const H = ndarray(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
  assert.throws(() => Chi2Classifier.fit(H, [0, 0, 1], [0, 0, 1]), /at least 2/);
  assert.throws(() => Chi2Classifier.fit(H, [0, 0, 0], [0, 0, 1]), /different values/);
  assert.throws(() => Chi2Classifier.fit(H, [0, 0, 0], [0, 0, 0], { hartlap: true }), /Hartlap/);
});

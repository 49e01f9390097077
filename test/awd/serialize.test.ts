/** Wavelet files: byte-reproducible, and malformed content rejected with a clear message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AdaptiveWavelet } from '../../src/awd/adaptive.ts';
import { waveletFromJson, waveletToJson } from '../../src/awd/serialize.ts';
import { ndarray } from '../../src/util/ndarray.ts';
import { Rng } from '../../src/util/rng.ts';

function fit(): AdaptiveWavelet {
  const rng = new Rng(2);
  const X = ndarray(rng.fillNormal(new Float64Array(20 * 16)), [20, 16]);
  const G = ndarray(rng.fillNormal(new Float64Array(20 * 16)), [20, 16]);
  return AdaptiveWavelet.fit(X, { teacherGrads: G, wavelet: 'db2', levels: 2, epochs: 3, batchSize: 8, seed: 5, lambda: 0.1 });
}

test('the same fit twice gives byte-identical wavelet files (no wall-clock times inside)', () => {
  const a = fit();
  const b = fit();
  assert.ok(a.history.every((r) => typeof r.seconds === 'number'), 'the in-memory history keeps the timings');
  assert.equal(waveletToJson(a), waveletToJson(b));
  assert.doesNotMatch(waveletToJson(a), /"seconds"/);
});

/** A file whose payload was edited, with a fresh checksum (so the structure checks are what fails). */
function resealed(text: string, edit: (o: Record<string, unknown>) => void): string {
  const { sha256: _s, ...o } = JSON.parse(text);
  edit(o);
  const payload = {
    format: o.format, formatVersion: o.formatVersion, library: o.library, h: o.h,
    levels: o.levels, mode: o.mode, settings: o.settings, history: o.history,
  };
  const sha256 = createHash('sha256').update(JSON.stringify(payload)).digest('hex');
  return JSON.stringify({ ...payload, sha256 });
}

test('loadWavelet rejects a malformed history, settings or levels with a message naming it', () => {
  const text = waveletToJson(fit());
  assert.equal(waveletFromJson(resealed(text, () => {})).history.length, 3, 'the resealing helper itself is right');
  const cases: [(o: Record<string, unknown>) => void, RegExp][] = [
    [(o) => (o.history = null), /malformed "history": expected an array of epoch records, got null/],
    [(o) => (o.history = { epoch: 1 }), /malformed "history": expected an array/],
    [(o) => (o.history = [null]), /record 0 is not an object/],
    [(o) => ((o.history as Record<string, unknown>[])[1].train = undefined), /record 1\.train is not an object/],
    [(o) => ((o.history as Record<string, Record<string, unknown>>[])[0].train.total = 'x'), /record 0\.train\.total is not a number/],
    [(o) => delete (o.history as Record<string, unknown>[])[2].epoch, /record 2 has no integer "epoch"/],
    [(o) => (o.settings = 'db5'), /malformed "settings": expected an object or null/],
    [(o) => (o.settings = {}), /malformed "settings": "weights" is not an object/],
    [(o) => delete (o.settings as Record<string, Record<string, unknown>>).weights.l1_attr, /"weights\.l1_attr" is not a number/],
    [(o) => ((o.settings as Record<string, unknown>).sampleShape = 'n'), /"sampleShape" is not an array of integers/],
    [(o) => ((o.settings as Record<string, unknown>).init = { name: 'db5' }), /"init" is neither a wavelet name nor an array of numbers/],
    [(o) => (o.levels = 'four'), /malformed "levels"/],
  ];
  for (const [edit, pattern] of cases) assert.throws(() => waveletFromJson(resealed(text, edit)), pattern);
});

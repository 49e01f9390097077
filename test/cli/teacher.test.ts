/**
 * `awd teacher train`, `awd teacher grads` and `awd fit --teacher` as a user would run them
 * (tiny MLP, 2 epochs; each process loads TensorFlow.js, a few seconds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy, readNpy } from '../../src/data/npy.ts';
import { meanSquaredError, r2Score } from '../../src/teachers/metrics.ts';
import { awd, assertFails, assertOk, tempDir } from './helpers.ts';
import { writeTinyData } from './data.ts';

const dir = tempDir();
writeTinyData(dir, 30, 16);

test('awd teacher train → teacher grads → fit --teacher: gradients computed once, the same both ways', async () => {
  const train = await awd(['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 'teacher', '--epochs', '2', '--hidden', '8,8', '--json'], dir);
  assertOk(train);
  const t = JSON.parse(train.stdout);
  assert.equal(t.kind, 'mlp');
  assert.equal(t.epochs, 2);
  assert.ok(existsSync(join(dir, 'teacher', 'teacher.json')));
  const [grads, fit] = await Promise.all([
    awd(['teacher', 'grads', '--teacher', 'teacher', '--data', 'X.npy', '--out', 'Gt.npy'], dir),
    awd(['fit', '--data', 'X.npy', '--teacher', 'teacher', '--save-grads', 'Gs.npy', '--epochs', '1', '--levels', '2', '--wavelet', 'db2', '--out', 'wt.json'], dir),
  ]);
  assertOk(grads);
  assertOk(fit);
  assert.match(grads.stdout, /wrote the input gradients of output 0 at 30 samples to Gt\.npy/);
  assert.match(fit.stdout, /gradients from teacher teacher/);
  const Gt = readNpy(join(dir, 'Gt.npy'));
  const Gs = readNpy(join(dir, 'Gs.npy'));
  assert.deepEqual(Gt.shape, [30, 16]);
  assert.deepEqual(Array.from(Gt.data), Array.from(Gs.data));
  assert.ok(Gt.data.some((v) => v !== 0), 'the gradients are not all zero');
});

test('awd teacher: bad inputs', async () => {
  const cases: [string[], RegExp][] = [
    [['teacher', 'train', '--kind', 'rnn', '--data', 'X.npy', '--target', 'y.npy', '--out', 't'], /--kind must be one of mlp, lstm, cnn, got 'rnn'/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'X2.npy', '--out', 't'], /--target 'X2\.npy' has shape \[4, 16, 16\]; expected \[30\]/],
    [['teacher', 'train', '--kind', 'cnn', '--data', 'X.npy', '--target', 'y.npy', '--out', 't'], /a cnn teacher takes n × rows × cols/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--lr', '0'], /--lr must be > 0, got 0/],
    [['teacher', 'grads', '--teacher', 'nowhere', '--data', 'X.npy', '--out', 'g.npy'], /--teacher: folder 'nowhere' does not exist/],
  ];
  const runs = await Promise.all(cases.map(([args]) => awd(args, dir)));
  runs.forEach((r, i) => assertFails(r, cases[i][1]));
});

test('awd teacher train (early stopping, CV, schedule) → teacher predict → teacher evaluate', async () => {
  const train = await awd([
    'teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 'teacher-es', '--epochs', '6', '--hidden', '8',
    '--patience', '2', '--val-seed', '3', '--lr-schedule', 'cosine', '--weight-decay', '1e-4', '--dropout', '0.1', '--cv', '2', '--lr', '1e-2', '--json',
  ], dir);
  assertOk(train);
  const t = JSON.parse(train.stdout);
  assert.equal(t.cv.folds, 2);
  assert.equal(t.cv.r2.length, 2);
  assert.ok(t.bestEpoch >= 0 && t.bestEpoch <= t.epochs);
  assert.equal(t.history.length, t.epochs);
  const saved = JSON.parse(readFileSync(join(dir, 'teacher-es', 'teacher.json'), 'utf8'));
  assert.deepEqual(saved.training.history, t.history);
  assert.deepEqual(saved.training.cv, t.cv);
  assert.equal(saved.training.valSeed, 3);
  const pred = await awd(['teacher', 'predict', '--teacher', 'teacher-es', '--data', 'X.npy', '--out', 'yhat.npy'], dir);
  assertOk(pred);
  assert.match(pred.stdout, /predictions for 30 samples to yhat\.npy \(shape 30\)/);
  const yhat = readNpy(join(dir, 'yhat.npy'));
  const y = readNpy(join(dir, 'y.npy'));
  assert.deepEqual(yhat.shape, [30]);
  const ev = await awd(['teacher', 'evaluate', '--teacher', 'teacher-es', '--data', 'X.npy', '--target', 'y.npy', '--json'], dir);
  assertOk(ev);
  const e = JSON.parse(ev.stdout);
  assert.equal(e.n, 30);
  assert.equal(e.r2, r2Score(y.data, yhat.data));
  assert.equal(e.rmse, Math.sqrt(meanSquaredError(y.data, yhat.data)));
});

test('awd teacher predict / evaluate / train options: bad inputs give one line and exit 2', async () => {
  const tr = await awd(['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 'teacher-bad', '--epochs', '1', '--hidden', '4'], dir);
  assertOk(tr);
  writeFileSync(join(dir, 'ynan.npy'), encodeNpy({ data: new Float64Array(30).fill(NaN), shape: [30] }));
  writeFileSync(join(dir, 'y29.npy'), encodeNpy({ data: new Float64Array(29), shape: [29] }));
  mkdirSync(join(dir, 'broken'), { recursive: true });
  writeFileSync(join(dir, 'broken', 'teacher.json'), '{"format": "something-else"}');
  const cases: [string[], RegExp][] = [
    [['teacher', 'predict', '--teacher', 'nowhere', '--data', 'X.npy', '--out', 'p.npy'], /--teacher: folder 'nowhere' does not exist/],
    [['teacher', 'predict', '--teacher', 'broken', '--data', 'X.npy', '--out', 'p.npy'], /--teacher 'broken' cannot be loaded/],
    [['teacher', 'predict', '--teacher', 'teacher-bad', '--data', 'X2.npy', '--out', 'p.npy'], /--data 'X2\.npy' has shape \[4, 16, 16\] but the mlp teacher takes \[n, 16\]/],
    [['teacher', 'predict', '--teacher', 'teacher-bad', '--data', 'X.npy', '--out', 'X.npy'], /--out 'X\.npy' is the input --data 'X\.npy'; writing it would destroy the input/],
    [['teacher', 'predict', '--teacher', 'teacher-bad', '--data', 'X.npy'], /--out is required/],
    [['teacher', 'evaluate', '--teacher', 'teacher-bad', '--data', 'X.npy', '--target', 'y29.npy'], /--target 'y29\.npy' has shape \[29\]; expected \[30\] or \[30, 1\]/],
    [['teacher', 'evaluate', '--teacher', 'teacher-bad', '--data', 'X.npy', '--target', 'ynan.npy'], /--target 'ynan\.npy' contains NaN at index 0/],
    [['teacher', 'evaluate', '--teacher', 'teacher-bad', '--data', 'X.npy', '--target', 'none.npy'], /--target: file 'none\.npy' does not exist/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--cv', '1'], /--cv must be/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--lr-schedule', 'linear'], /--lr-schedule must be one of constant, cosine, step, got 'linear'/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--augment', 'd4'], /--augment d4 is for cnn teachers/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--patience', '3', '--val-fraction', '0'], /--patience needs a validation split/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--dropout', '1'], /--dropout must be/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--pool', 'logmean'], /--head, --pool, --pixel-channels and --moments are for cnn teachers, not mlp/],
    [['teacher', 'train', '--kind', 'mlp', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--moments', 'map'], /--moments are for cnn teachers, not mlp/],
    [['teacher', 'train', '--kind', 'cnn', '--data', 'X.npy', '--target', 'y.npy', '--out', 't', '--moments', 'map,smooth'], /--moments must be one of map, pool2, pool4, highpass, got 'smooth'/],
  ];
  const runs = await Promise.all(cases.map(([args]) => awd(args, dir)));
  runs.forEach((r, i) => {
    assertFails(r, cases[i][1]);
    assert.equal(r.code, 2, `${cases[i][0].join(' ')}: exit ${r.code}`);
  });
  assert.ok(!existsSync(join(dir, 'p.npy')), 'no partial output');
});

/**
 * `awd teacher train`, `awd teacher grads` and `awd fit --teacher` as a user would run them
 * (tiny MLP, 2 epochs; each process loads TensorFlow.js, a few seconds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../src/data/npy.ts';
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

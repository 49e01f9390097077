import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, unlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureBackend, NeuralTeacher, loadTeacher, saveTeacher, type Architecture, type Scaling } from '../../src/teachers/index.ts';
import { initParams } from '../../src/teachers/models.ts';
import { libraryVersion } from '../../src/teachers/io.ts';
import { Rng } from '../../src/util/rng.ts';
import { ndarray, sizeOf } from '../../src/util/ndarray.ts';

const scaling = (k: number): Scaling => ({ inputMean: 0.1, inputStd: 1.7, outputMean: new Array(k).fill(2), outputStd: new Array(k).fill(0.5) });
const archs: Architecture[] = [
  { kind: 'mlp', inputShape: [12], hidden: [7, 5], outputDim: 2 },
  { kind: 'lstm', inputShape: [9], hidden: 4, outputDim: 1 },
  { kind: 'cnn', inputShape: [8, 8], channels: [3, 5], stemStride: 1, outputDim: 1 },
  {
    kind: 'cnn', inputShape: [8, 8], channels: [3], stemStride: 2, head: [4], outputDim: 1,
    moments: { views: ['map', 'highpass'], shift: [0.1, -0.2, 0.3, 1.1, -0.5, 0, 0.9], scale: [0.5, 1, 2, 0.7, 1.3, 0.4, 0.8] },
  },
];

test('save/load round trip gives identical predictions and gradients for mlp, lstm and cnn', async () => {
  await ensureBackend('wasm');
  const dir = mkdtempSync(join(tmpdir(), 'awd-teacher-'));
  try {
    for (const [i, arch] of archs.entries()) {
      const t = new NeuralTeacher(arch, scaling(arch.outputDim), initParams(arch, i + 1), { seed: i + 1, valR2: 0.5 });
      const rng = new Rng(i);
      const per = sizeOf(arch.inputShape);
      const X = ndarray(rng.fillNormal(new Float64Array(6 * per)), [6, ...arch.inputShape]);
      const sub = join(dir, `${arch.kind}${i}`);
      await t.save(sub);
      assert.deepEqual(readdirSync(sub).sort(), ['teacher.json', 'weights.bin']);
      const meta = JSON.parse(readFileSync(join(sub, 'teacher.json'), 'utf8'));
      assert.equal(meta.kind, arch.kind);
      assert.equal(meta.libraryVersion, libraryVersion());
      assert.deepEqual(meta.inputShape, arch.inputShape);
      const u = await loadTeacher(sub);
      assert.deepEqual(u.architecture, arch);
      assert.deepEqual(u.scaling, scaling(arch.outputDim));
      assert.equal(u.training.valR2, 0.5);
      assert.deepEqual((await u.predict(X)).data, (await t.predict(X)).data);
      assert.deepEqual((await u.inputGradients(X)).data, (await t.inputGradients(X)).data);
      t.dispose();
      u.dispose();
    }
    assert.equal(tf.memory().numTensors, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading a damaged, edited or incomplete teacher folder fails with a clear error', async () => {
  await ensureBackend('wasm');
  const dir = mkdtempSync(join(tmpdir(), 'awd-teacher-'));
  try {
    const arch = archs[0];
    const t = new NeuralTeacher(arch, scaling(2), initParams(arch, 1));
    await saveTeacher(t, dir);
    t.dispose();
    const jsonPath = join(dir, 'teacher.json');
    const binPath = join(dir, 'weights.bin');
    const json = readFileSync(jsonPath, 'utf8');
    const bin = readFileSync(binPath);
    const restore = () => {
      writeFileSync(jsonPath, json);
      writeFileSync(binPath, bin);
    };

    writeFileSync(binPath, bin.subarray(0, bin.length - 8));
    await assert.rejects(loadTeacher(dir), /Error in loadTeacher: .*weights\.bin' has \d+ bytes but teacher\.json says \d+: the file is truncated/);
    restore();

    const edited = Buffer.from(bin);
    edited[17] ^= 0x40;
    writeFileSync(binPath, edited);
    await assert.rejects(loadTeacher(dir), /does not match the SHA-256 in teacher\.json: it was modified or damaged/);
    restore();

    unlinkSync(binPath);
    await assert.rejects(loadTeacher(dir), /the weights file .*weights\.bin' named in teacher\.json is missing/);
    restore();

    writeFileSync(jsonPath, json.slice(0, json.length / 2));
    await assert.rejects(loadTeacher(dir), /teacher\.json' is not valid JSON/);
    restore();

    const meta = JSON.parse(json);
    meta.architecture.hidden = [7, 6];
    writeFileSync(jsonPath, JSON.stringify(meta));
    await assert.rejects(loadTeacher(dir), /weight entry 2 \(dense1\/kernel \[7,5\]\) does not match the architecture, which expects dense1\/kernel \[7,6\]/);

    meta.architecture.hidden = [7, -1];
    writeFileSync(jsonPath, JSON.stringify(meta));
    await assert.rejects(loadTeacher(dir), /invalid architecture: mlp hidden sizes must be a non-empty list of positive integers/);

    writeFileSync(jsonPath, JSON.stringify({ ...JSON.parse(json), formatVersion: 99 }));
    await assert.rejects(loadTeacher(dir), /teacher format version 99, this awd .* reads version 1/);

    writeFileSync(jsonPath, JSON.stringify({ ...JSON.parse(json), scaling: { ...scaling(1) } }));
    await assert.rejects(loadTeacher(dir), /invalid 'scaling' entry/);
    restore();

    unlinkSync(jsonPath);
    await assert.rejects(loadTeacher(dir), /no teacher\.json in .*; give the folder a teacher was saved to with saveTeacher/);
    restore();

    const ok = await loadTeacher(dir);
    ok.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

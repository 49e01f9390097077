/** A teacher file's weights path is untrusted: it must stay inside the teacher folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBackend, NeuralTeacher, loadTeacher, type Architecture } from '../../src/teachers/index.ts';
import { initParams } from '../../src/teachers/models.ts';

test('loadTeacher refuses a weights path that leaves the teacher folder (.., absolute, link)', async () => {
  await ensureBackend('wasm');
  const dir = mkdtempSync(join(tmpdir(), 'awd-teacher-confine-'));
  const arch: Architecture = { kind: 'mlp', inputShape: [4], hidden: [3], outputDim: 1 };
  const t = new NeuralTeacher(arch, { inputMean: 0, inputStd: 1, outputMean: [0], outputStd: [1] }, initParams(arch, 1), { seed: 1, valR2: null });
  const good = join(dir, 'good');
  await t.save(good);
  t.dispose();
  copyFileSync(join(good, 'weights.bin'), join(dir, 'outside.bin'));
  const variant = (name: string, file: string, link?: string): string => {
    const d = join(dir, name);
    mkdirSync(d);
    const meta = JSON.parse(readFileSync(join(good, 'teacher.json'), 'utf8'));
    meta.weights.file = file;
    writeFileSync(join(d, 'teacher.json'), JSON.stringify(meta));
    if (link) symlinkSync(link, join(d, file));
    return d;
  };
  await assert.rejects(loadTeacher(variant('dotdot', '../outside.bin')), /names '\.\.\/outside\.bin', which leaves its folder/);
  await assert.rejects(loadTeacher(variant('absolute', join(dir, 'outside.bin'))), /names the absolute path/);
  await assert.rejects(loadTeacher(variant('link', 'w.bin', join(dir, 'outside.bin'))), /a link to .*outside\.bin' outside its folder/);
  const ok = await loadTeacher(good);
  ok.dispose();
});

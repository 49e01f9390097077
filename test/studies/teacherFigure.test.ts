import { test } from 'node:test';
import assert from 'node:assert/strict';
import { teacherCurveFigure } from '../../src/studies/teacherFigure.ts';

test('teacherCurveFigure: one line per curve, the kept epoch in the caption, null without a history', () => {
  const h = [
    { epoch: 1, trainLoss: 0.04, valLoss: 0.03 },
    { epoch: 2, trainLoss: 0.02, valLoss: 0.025 },
    { epoch: 3, trainLoss: 0.01, valLoss: 0.027 },
  ];
  const f = teacherCurveFigure('fig-x-teacher', 'CNN teacher', h, 2, 'Note.')!;
  assert.equal(f.name, 'fig-x-teacher');
  assert.equal((f.svg.match(/<polyline/g) ?? []).length, 2);
  assert.match(f.caption, /those of epoch 2\. Note\.$/);
  const noVal = teacherCurveFigure('fig-y', 'MLP teacher', h.map((e) => ({ ...e, valLoss: null })), 3, '')!;
  assert.equal((noVal.svg.match(/<polyline/g) ?? []).length, 1);
  assert.equal(teacherCurveFigure('fig-z', 'LSTM teacher', [], 0, ''), null);
});

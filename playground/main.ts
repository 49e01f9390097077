/**
 * The playground page: reads the settings, runs the fit in a Web Worker (fit.worker.ts), draws its
 * snapshots, and offers the wavelet file. The page never computes anything heavy itself.
 */
import { WAVELET_NAMES } from '../src/wavelets/families.ts';
import { TERM_NAMES } from '../src/awd/loss.ts';
import { BUILTIN_DEFAULTS, type BuiltinName } from './data.ts';
import { COLORS, plot, type Series } from './plots.ts';
import { CONTROL, type DataSource, type FitParams, type FromWorker, type Snapshot, type ToWorker } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const status = $<HTMLParagraphElement>('status');
const startBtn = $<HTMLButtonElement>('start');
const stopBtn = $<HTMLButtonElement>('stop');
const resumeBtn = $<HTMLButtonElement>('resume');
const downloadBtn = $<HTMLButtonElement>('download');
const waveletSel = $<HTMLSelectElement>('wavelet');
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

for (const name of WAVELET_NAMES) waveletSel.add(new Option(name, name, name === 'db5', name === 'db5'));
$<HTMLParagraphElement>('iso').textContent = isolated
  ? 'This page is cross-origin isolated: Stop pauses the fit exactly where it is (Resume continues the same fit), and fits can use several threads.'
  : 'This page is not cross-origin isolated (no SharedArrayBuffer): fits run on one thread, Stop ends the fit, and Resume starts a new fit from the last filter.';

// Built-in set → its study's settings.
$<HTMLSelectElement>('builtin').addEventListener('change', (e) => {
  const d = BUILTIN_DEFAULTS[(e.target as HTMLSelectElement).value as BuiltinName];
  $<HTMLInputElement>('n').value = String(d.n);
  waveletSel.value = d.wavelet;
  $<HTMLInputElement>('levels').value = String(d.levels);
  $<HTMLInputElement>('lambda').value = String(d.lambda);
  $<HTMLInputElement>('gamma').value = String(d.gamma);
});

let worker: Worker | null = null;
let control: Int32Array | null = null;
let lastJson: string | null = null;
let lastH: number[] | null = null;
let params: FitParams | null = null;
let source: DataSource | null = null;
let running = false;
let stepOffset = 0;
/** Epochs completed before this fit (a warm restart after Stop on a page that is not isolated). */
let epochOffset = 0;
let epochsCompleted = 0;
let exactRows = false;
const steps: number[][] = [];
const history = $<HTMLTableSectionElement>('history').querySelector('tbody')!;

/** Test and automation hook: the state of the page. */
const state = { phase: 'idle', simd: false, steps, lastJson: null as string | null, fitSeconds: null as number | null, threads: 0, isolated, error: null as string | null, snapshots: 0 };
(globalThis as { awdPlayground?: typeof state }).awdPlayground = state;

function num(id: string): number {
  const el = $<HTMLInputElement>(id);
  const v = Number(el.value);
  if (el.value.trim() === '' || !Number.isFinite(v)) throw new Error(`${el.labels?.[0]?.textContent ?? id}: enter a number`);
  return v;
}

async function readSource(): Promise<DataSource> {
  const kind = (form.elements.namedItem('source') as RadioNodeList).value;
  if (kind === 'builtin') return { kind: 'builtin', name: $<HTMLSelectElement>('builtin').value as BuiltinName, n: num('n'), seed: num('dataSeed') };
  const fx = $<HTMLInputElement>('fileX').files?.[0];
  const fg = $<HTMLInputElement>('fileG').files?.[0];
  if (!fx || !fg) throw new Error('choose both files: the signals X and the teacher gradients at X');
  return {
    kind: 'files',
    x: { name: fx.name, bytes: new Uint8Array(await fx.arrayBuffer()) },
    g: { name: fg.name, bytes: new Uint8Array(await fg.arrayBuffer()) },
  };
}

function readParams(): FitParams {
  const t = $<HTMLSelectElement>('threads').value;
  return {
    wavelet: waveletSel.value, initNoise: num('initNoise'), levels: num('levels'), lambda: num('lambda'), gamma: num('gamma'), epochs: num('epochs'),
    batchSize: num('batchSize'), learningRate: num('learningRate'), seed: num('seed'), threads: t === 'auto' ? 'auto' : Number(t), sample: num('sample'),
    updateMs: Number($<HTMLSelectElement>('updates').value),
  };
}

function setRunning(on: boolean): void {
  running = on;
  startBtn.disabled = on;
  stopBtn.disabled = !on;
  resumeBtn.disabled = true;
  form.querySelectorAll('fieldset').forEach((f) => (f.disabled = on));
}

function start(src: DataSource, p: FitParams, fresh: boolean): void {
  worker?.terminate();
  if (fresh) {
    steps.length = 0;
    history.textContent = '';
  }
  stepOffset = steps.length;
  epochOffset = fresh ? 0 : epochsCompleted;
  epochsCompleted = epochOffset;
  exactRows = false;
  lastJson = null;
  state.lastJson = null;
  state.fitSeconds = null;
  state.error = null;
  downloadBtn.disabled = true;
  control = isolated ? new Int32Array(new SharedArrayBuffer(8)) : null;
  worker = new Worker(new URL('./fit.worker.ts', import.meta.url), { type: 'module', name: 'awd-fit' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => fail(e.message || 'the fit worker failed to start');
  const msg: ToWorker = { type: 'start', source: src, params: p, control: control ? (control.buffer as SharedArrayBuffer) : null };
  setRunning(true);
  state.phase = 'running';
  status.textContent = 'Preparing the data…';
  worker.postMessage(msg);
}

function fail(message: string): void {
  state.error = message;
  state.phase = 'error';
  status.textContent = `Error: ${message}`;
  setRunning(false);
}

function offerDownload(json: string): void {
  lastJson = json;
  state.lastJson = json;
  downloadBtn.disabled = false;
}

let pending: Snapshot | null = null;
function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'data':
      $<HTMLParagraphElement>('dataInfo').textContent = `${m.description}; ${m.threads} thread${m.threads > 1 ? 's' : ''} available; WebAssembly SIMD kernels ${m.simd ? 'on' : 'unavailable (JavaScript kernels)'}.`;
      state.threads = m.threads;
      state.simd = m.simd;
      status.textContent = 'Fitting…';
      break;
    case 'progress': {
      for (const s of m.snapshot.steps) steps.push([s[0] + stepOffset, ...s.slice(1)]);
      const sn = m.snapshot;
      epochsCompleted = epochOffset + (sn.batch === sn.batches ? sn.epoch : sn.epoch - 1);
      if (sn.batch === sn.batches && steps.length >= sn.batches) {
        // Provisional row: plain mean over the epoch's steps (the fit's own, size-weighted history replaces it at the end).
        const last = steps.slice(-sn.batches);
        const mean = (j: number) => last.reduce((a, r) => a + r[j], 0) / last.length;
        const col = (name: string) => 2 + TERM_NAMES.indexOf(name as (typeof TERM_NAMES)[number]);
        addRow([epochOffset + sn.epoch, mean(1), mean(col('reconstruction')), mean(col('l1_attr')), mean(col('l1_wave')), NaN]);
      }
      state.snapshots++;
      if (pending === null) requestAnimationFrame(draw);
      pending = m.snapshot;
      lastH = m.snapshot.h;
      status.textContent = `Epoch ${epochOffset + m.snapshot.epoch} of ${epochOffset + m.snapshot.epochs}, batch ${m.snapshot.batch} of ${m.snapshot.batches}: loss ${steps[steps.length - 1][1].toPrecision(5)}`;
      break;
    }
    case 'epoch': {
      if (!exactRows) {
        // Replace this fit's provisional rows (a warm restart keeps the earlier fit's rows).
        while (history.rows.length > epochOffset) history.deleteRow(-1);
        exactRows = true;
      }
      const t = m.train;
      addRow([epochOffset + m.epoch, t.total, t.reconstruction, t.l1_attr, t.l1_wave, m.seconds]);
      break;
    }
    case 'paused':
      offerDownload(m.json);
      state.phase = 'paused';
      status.textContent = `Paused at step ${steps.length}. Resume continues the same fit; the file holds the current filter; Start fit begins a new one.`;
      stopBtn.disabled = true;
      resumeBtn.disabled = false;
      startBtn.disabled = false;
      form.querySelectorAll('fieldset').forEach((f) => (f.disabled = false));
      break;
    case 'resumed':
      state.phase = 'running';
      startBtn.disabled = true;
      form.querySelectorAll('fieldset').forEach((f) => (f.disabled = true));
      downloadBtn.disabled = true;
      stopBtn.disabled = false;
      resumeBtn.disabled = true;
      break;
    case 'stopped':
      break;
    case 'done':
      offerDownload(m.json);
      lastH = m.h;
      state.fitSeconds = m.fitSeconds;
      state.phase = 'done';
      setRunning(false);
      const total = params?.epochs ?? 0;
      const restart = epochOffset > 0 ? ` (the last ${total - epochOffset} in a new fit from the stopped filter)` : '';
      status.textContent = `Done: ${total} epochs${restart}, the last fit in ${m.fitSeconds.toFixed(2)} s. Download the wavelet file, or change settings and fit again.`;
      break;
    case 'error':
      fail(m.message);
      break;
  }
}

function addRow(values: number[]): void {
  const tr = history.insertRow();
  for (const v of values) tr.insertCell().textContent = Number.isNaN(v) ? '…' : Number.isInteger(v) ? String(v) : v.toPrecision(5);
}

const TERM_COLORS = ['#000', ...COLORS];
$<HTMLSpanElement>('lossLegend').textContent = `total and ${TERM_NAMES.join(', ')}`;

function draw(): void {
  const s = pending;
  pending = null;
  if (!s) return;
  plot($<HTMLCanvasElement>('plotWave'), [
    { x: s.x, y: s.phi, color: COLORS[0], label: 'φ' },
    { x: s.x, y: s.psi, color: COLORS[1], label: 'ψ' },
  ], { zeroLine: true });
  plot($<HTMLCanvasElement>('plotFilters'), [
    { y: s.h, color: COLORS[0], label: 'h (lowpass)', kind: 'stem' },
    { y: s.g, color: COLORS[1], label: 'g (highpass)', kind: 'stem' },
  ], { zeroLine: true });
  const xs = steps.map((r) => r[0]);
  const lossSeries: Series[] = [{ x: xs, y: steps.map((r) => r[1]), color: TERM_COLORS[0], label: 'total' }];
  TERM_NAMES.forEach((k, i) => {
    const y = steps.map((r) => r[2 + i]);
    if (y.some((v) => v > 0)) lossSeries.push({ x: xs, y, color: TERM_COLORS[1 + i], label: k });
  });
  plot($<HTMLCanvasElement>('plotLoss'), lossSeries, { logY: true, decades: 8 });
  const cmax = Math.max(...s.coeffs.map(Math.abs)) || 1;
  const amax = Math.max(...s.attrs.map(Math.abs)) || 1;
  plot($<HTMLCanvasElement>('plotCoeffs'), [
    { y: s.coeffs.map((v) => v / cmax), color: COLORS[0], label: 'coefficients (scaled)', kind: 'bar' },
    { y: s.attrs.map((v) => v / amax), color: COLORS[1], label: 'attributions (scaled)' },
  ], { zeroLine: true, marks: s.starts.slice(1) });
  $<HTMLSpanElement>('sampleNo').textContent = String(params?.sample ?? 0);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void (async () => {
    try {
      source = await readSource();
      params = readParams();
      start(source, params, true);
    } catch (err) {
      fail((err as Error).message);
    }
  })();
});

stopBtn.addEventListener('click', () => {
  if (!running) return;
  if (control) {
    Atomics.store(control, CONTROL.PAUSE, 1);
    status.textContent = 'Pausing…';
    stopBtn.disabled = true;
    return;
  }
  // Not isolated: the fit cannot be paused; end it and keep the last filter.
  worker?.terminate();
  worker = null;
  setRunning(false);
  resumeBtn.disabled = lastH === null;
  state.phase = 'stopped';
  status.textContent = 'Stopped. Resume starts a new fit from the last filter (this page cannot pause a fit).';
});

resumeBtn.addEventListener('click', () => {
  if (control && state.phase === 'paused') {
    Atomics.store(control, CONTROL.PAUSE, 0);
    Atomics.notify(control, CONTROL.PAUSE);
    status.textContent = 'Fitting…';
    return;
  }
  // Not isolated: a new fit from the last filter, for the epochs not completed (new Adam state).
  if (source && params && lastH) {
    const remaining = Math.max(1, params.epochs - epochsCompleted);
    start(source, { ...params, wavelet: lastH, initNoise: 0, epochs: remaining }, false);
  }
});

downloadBtn.addEventListener('click', () => {
  if (!lastJson) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([lastJson], { type: 'application/json' }));
  a.download = 'wavelet.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});

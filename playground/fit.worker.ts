/**
 * The playground's fit worker: builds or reads the data, fits AWD (the library's own
 * `AdaptiveWavelet.fit`, as in Node), and reports a snapshot every ~100 ms (φ/ψ, the filters, the
 * loss terms of every step, a sample's coefficients and attributions). Pause and stop arrive
 * through shared memory (cross-origin-isolated pages), since the fit is synchronous.
 */
import { AdaptiveWavelet } from '../src/awd/adaptive.ts';
import { TERM_NAMES } from '../src/awd/loss.ts';
import { startBrowserThreads } from '../src/awd/threadHost.browser.ts';
import { waveletToJson } from '../src/awd/waveletFile.ts';
import { filterBankFromLowpass } from '../src/wavelets/families.ts';
import { wavefun } from '../src/wavelets/wavefun.ts';
import { wasmKernelsAvailable } from '../src/wavelets/simdKernels.ts';
import { ndarray, sizeOf, type NdArray } from '../src/util/ndarray.ts';
import { builtinDataset, parseTable, type Dataset } from './data.ts';
import { CONTROL, type FitParams, type FromWorker, type Snapshot, type ToWorker } from './protocol.ts';

const post = (m: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

class Stopped extends Error {}

function loadData(msg: ToWorker): Dataset {
  const s = msg.source;
  if (s.kind === 'builtin') return builtinDataset(s.name, s.n, s.seed);
  const X = parseTable(s.x.bytes, s.x.name);
  const G = parseTable(s.g.bytes, s.g.name);
  return { X, G, description: `${s.x.name} (${X.shape.join(' × ')}) with gradients ${s.g.name}` };
}

function row(a: NdArray, i: number): NdArray {
  const size = sizeOf(a.shape.slice(1));
  return ndarray(a.data.slice(i * size, (i + 1) * size), [1, ...a.shape.slice(1)]);
}

function snapshotOf(viewer: AdaptiveWavelet, x: NdArray, gx: NdArray): Omit<Snapshot, 'epoch' | 'epochs' | 'batch' | 'batches' | 'step' | 'steps'> {
  const bank = filterBankFromLowpass(viewer.h);
  const wf = wavefun(bank, 6);
  const c = viewer.transform(x);
  const a = viewer.attributions(gx);
  const starts: number[] = [];
  const coeffs: number[] = [];
  const attrs: number[] = [];
  c.forEach((arr, k) => {
    starts.push(coeffs.length);
    coeffs.push(...arr.data);
    attrs.push(...a[k].data);
  });
  return { h: Array.from(viewer.h), g: Array.from(viewer.g), phi: Array.from(wf.phi), psi: Array.from(wf.psi), x: Array.from(wf.x), coeffs, attrs, starts };
}

function fit(msg: ToWorker, data: Dataset, threads: number | 'auto'): void {
  const p: FitParams = msg.params;
  const ctrl = msg.control ? new Int32Array(msg.control) : null;
  const n = data.X.shape[0];
  const sample = Math.min(Math.max(0, p.sample | 0), n - 1);
  const xs = row(data.X, sample);
  const gs = row(data.G, sample);
  const start = typeof p.wavelet === 'string' ? AdaptiveWavelet.fromName(p.wavelet, p.levels).h : Float64Array.from(p.wavelet);
  const viewer = new AdaptiveWavelet(start, p.levels, 'zero');
  let steps: number[][] = [];
  let step = 0;
  let last = 0;
  let lastEpochSeen = 0;
  const t0 = performance.now();
  const send = (pr: { epoch: number; epochs: number; batch: number; batches: number }) => {
    post({ type: 'progress', snapshot: { ...pr, step, steps, ...snapshotOf(viewer, xs, gs) } });
    steps = [];
    last = performance.now();
  };
  const current = () => waveletToJson(new AdaptiveWavelet(Float64Array.from(viewer.h), p.levels, 'zero'));
  let model: AdaptiveWavelet;
  try {
    model = AdaptiveWavelet.fit(data.X, {
      teacherGrads: data.G, wavelet: p.wavelet, initNoise: p.initNoise, levels: p.levels, lambda: p.lambda, gamma: p.gamma, epochs: p.epochs,
      batchSize: p.batchSize, learningRate: p.learningRate, seed: p.seed, threads,
      onProgress: (pr) => {
        step++;
        steps.push([step, pr.loss, ...TERM_NAMES.map((k) => pr.terms[k])]);
        viewer.h.set(pr.h);
        if (pr.epoch !== lastEpochSeen) lastEpochSeen = pr.epoch;
        const endOfEpoch = pr.batch === pr.batches;
        if (endOfEpoch || performance.now() - last > p.updateMs) send(pr);
        if (ctrl) {
          if (Atomics.load(ctrl, CONTROL.STOP) === 1) throw new Stopped();
          if (Atomics.load(ctrl, CONTROL.PAUSE) === 1) {
            if (steps.length) send(pr);
            post({ type: 'paused', json: current() });
            while (Atomics.load(ctrl, CONTROL.PAUSE) === 1 && Atomics.load(ctrl, CONTROL.STOP) === 0) Atomics.wait(ctrl, CONTROL.PAUSE, 1, 1000);
            if (Atomics.load(ctrl, CONTROL.STOP) === 1) throw new Stopped();
            post({ type: 'resumed' });
          }
        }
      },
    });
  } catch (e) {
    if (e instanceof Stopped) {
      post({ type: 'stopped', json: current(), h: Array.from(viewer.h), epochsDone: lastEpochSeen - 1 });
      return;
    }
    throw e;
  }
  const fitSeconds = (performance.now() - t0) / 1000;
  for (const r of model.history) post({ type: 'epoch', epoch: r.epoch, train: r.train, seconds: r.seconds ?? 0 });
  post({ type: 'done', json: waveletToJson(model), fitSeconds, h: Array.from(model.h) });
}

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  try {
    const data = loadData(msg);
    // 'auto' starts 2 threads where memory can be shared and lets the fit decide, as in Node.
    const wanted = msg.params.threads === 'auto' ? 2 : msg.params.threads;
    const rowSize = sizeOf(data.X.shape.slice(1));
    const shardValues = Math.ceil(Math.min(msg.params.batchSize, data.X.shape[0]) / Math.max(1, wanted)) * rowSize;
    const available = await startBrowserThreads(wanted, { shardValues });
    const threads = msg.params.threads === 'auto' ? 'auto' : Math.min(available, msg.params.threads);
    post({ type: 'data', description: data.description, shape: data.X.shape, threads: available, isolated: (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, simd: wasmKernelsAvailable() });
    fit(msg, data, threads);
  } catch (err) {
    post({ type: 'error', message: (err as Error).message ?? String(err) });
  }
};

/**
 * DWT engine benchmarks against PyWavelets, on the workloads of DESIGN.md §4:
 *
 * - `1d`: wavedec + waverec of 50,000 signals of length 64 (db5, J = 4, mode zero), as
 *   `wavedecBatch` / `waverecBatch` and `pywt.wavedec` / `pywt.waverec` along the last axis;
 * - `2d`: wavedec2 + waverec2 of 100 images of 256 × 256 (db5, J = 4, mode zero), as
 *   `wavedec2Batch` / `waverec2Batch` and `pywt.wavedec2` / `pywt.waverec2` over the last two axes.
 *
 * Both sides transform the same numbers: the data is generated here from a seed and written to a
 * temporary float64 file that Python reads with `np.fromfile`. Repetitions alternate (ours, then
 * PyWavelets) so both see the same machine load; the median of the repetitions is reported. The
 * sums of the coarsest approximation are compared, to be sure both computed the same thing. Run
 * with AWD_BENCH_REPS=N for N timed repetitions (default 11, after 2 warm-up runs).
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/util/rng.ts';
import { ndarray, type NdArray } from '../src/util/ndarray.ts';
import { wavedecBatch, waverecBatch, wavedec2Batch, waverec2Batch, swtBatch, swt2Batch, waveletPacketBatch, waveletPacket2DBatch } from '../src/wavelets/index.ts';
import { measureOnce, PythonSession, pythonHas, registerSuite, summarize, type BenchRow, type Timing } from './harness.ts';

/** DESIGN.md §4: PyWavelets on this project's 2-core machine. */
const ANCHORS: Record<string, number> = { '1d': 0.25, '2d': 0.56 };

const PY_SCRIPT = String.raw`
import sys, json, time, resource
import numpy as np
import pywt
data = {}
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == 'load':
        data[cmd[1]] = np.fromfile(cmd[2], dtype='<f8').reshape([int(s) for s in cmd[3:]])
        print(json.dumps({'ok': True}), flush=True)
    elif cmd[0] == 'run1d':
        x = data['1d']
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t0, c0 = time.perf_counter(), time.process_time()
        c = pywt.wavedec(x, 'db5', mode='zero', level=4, axis=-1)
        r = pywt.waverec(c, 'db5', mode='zero', axis=-1)
        t, cpu = time.perf_counter() - t0, time.process_time() - c0
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
        print(json.dumps({'t': t, 'cpu': cpu, 'faults': faults, 'check': float(c[0].sum()), 'err': float(np.abs(r - x).max())}), flush=True)
    elif cmd[0] == 'run2d':
        x = data['2d']
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t0, c0 = time.perf_counter(), time.process_time()
        c = pywt.wavedec2(x, 'db5', mode='zero', level=4, axes=(-2, -1))
        r = pywt.waverec2(c, 'db5', mode='zero', axes=(-2, -1))
        t, cpu = time.perf_counter() - t0, time.process_time() - c0
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
        print(json.dumps({'t': t, 'cpu': cpu, 'faults': faults, 'check': float(c[0].sum()), 'err': float(np.abs(r - x).max())}), flush=True)
    elif cmd[0] in ('runswt1d', 'runswt2d', 'runwp1d', 'runwp2d'):
        # Forward transforms only: PyWavelets 1.1.1's iswt / iswt2 / WaveletPacket take one signal
        # or image (no axis), so the batched inverse has no PyWavelets counterpart to time.
        key = cmd[0][3:]
        x = data[key]
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t0, c0 = time.perf_counter(), time.process_time()
        if key == 'swt1d':
            first = pywt.swt(x, 'db5', level=3, axis=-1, trim_approx=True)[0]
        elif key == 'swt2d':
            first = pywt.swt2(x, 'db5', level=3, axes=(-2, -1), trim_approx=True)[0]
        elif key == 'wp1d':
            # WaveletPacket(row).get_level(3) for every row, vectorised: the full tree by dwt along axis -1
            nodes = [x]
            for _ in range(3):
                nodes = [c for nd in nodes for c in pywt.dwt(nd, 'db5', 'symmetric', axis=-1)]
            first = nodes[0]
        else:
            nodes = [x]
            for _ in range(3):
                nxt = []
                for nd in nodes:
                    a, (h, v, d) = pywt.dwt2(nd, 'db5', 'symmetric', axes=(-2, -1))
                    nxt += [a, h, v, d]
                nodes = nxt
            first = nodes[0]
        t, cpu = time.perf_counter() - t0, time.process_time() - c0
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
        print(json.dumps({'t': t, 'cpu': cpu, 'faults': faults, 'check': float(first.sum()), 'err': 0.0}), flush=True)
`;

interface PyAnswer {
  t: number;
  cpu: number;
  /** Minor page faults during the repetition. */
  faults: number;
  check: number;
  err: number;
}

interface Workload {
  key: string;
  name: string;
  shape: number[];
  /**
   * Runs our decomposition (+ reconstruction); returns the first coarsest array (its sum is
   * compared with PyWavelets') and the reconstruction, if the workload has one.
   */
  run(x: NdArray): { approx: Float64Array; recon?: Float64Array };
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const WORKLOADS: Workload[] = [
  {
    key: '1d',
    name: 'wavedec+waverec 50000×64 db5 J=4 zero',
    shape: [50000, 64],
    run(x) {
      const c = wavedecBatch(x, 'db5', 'zero', 4);
      const r = waverecBatch(c, 'db5', 'zero', x.shape[1]);
      return { approx: c[0].data, recon: r.data };
    },
  },
  {
    key: '2d',
    name: 'wavedec2+waverec2 100×256×256 db5 J=4 zero',
    shape: [100, 256, 256],
    run(x) {
      const c = wavedec2Batch(x, 'db5', 'zero', 4);
      const r = waverec2Batch(c, 'db5', 'zero');
      return { approx: c.approx.data, recon: r.data };
    },
  },
  {
    key: 'swt1d',
    name: 'swt 50000×64 db5 J=3 (forward)',
    shape: [50000, 64],
    run(x) {
      return { approx: swtBatch(x, 'db5', 3, { trimApprox: true })[0].data };
    },
  },
  {
    key: 'swt2d',
    name: 'swt2 100×256×256 db5 J=3 (forward)',
    shape: [100, 256, 256],
    run(x) {
      return { approx: swt2Batch(x, 'db5', 3)[0].cA.data };
    },
  },
  {
    key: 'wp1d',
    name: 'packets 50000×64 db5 level 3 symmetric (full tree)',
    shape: [50000, 64],
    run(x) {
      return { approx: waveletPacketBatch(x, 'db5', 'symmetric', 3).coeffs[0].data };
    },
  },
  {
    key: 'wp2d',
    name: 'packets 2D 100×256×256 db5 level 3 symmetric (full tree)',
    shape: [100, 256, 256],
    run(x) {
      return { approx: waveletPacket2DBatch(x, 'db5', 'symmetric', 3).coeffs[0].data };
    },
  },
];

/** Options of the wavelet suite (environment: AWD_BENCH_REPS, AWD_BENCH_NO_PYTHON=1). */
export interface WaveletBenchOptions {
  reps?: number;
  warmup?: number;
  python?: boolean;
  /** Only workloads whose key is listed ('1d', '2d', 'swt1d', 'swt2d', 'wp1d', 'wp2d'; env AWD_BENCH_ONLY, comma-separated). */
  only?: string[];
}

/** Runs the DWT workloads; PyWavelets is timed in the same run when `import pywt` works. */
export async function benchWavelets(opts: WaveletBenchOptions = {}): Promise<BenchRow[]> {
  const reps = opts.reps ?? Number(process.env.AWD_BENCH_REPS ?? 11);
  const warmup = opts.warmup ?? 2;
  const usePython = (opts.python ?? process.env.AWD_BENCH_NO_PYTHON !== '1') && pythonHas('pywt');
  const dir = mkdtempSync(join(tmpdir(), 'awd-bench-'));
  const py = usePython ? new PythonSession(PY_SCRIPT) : null;
  const rows: BenchRow[] = [];
  try {
    const rng = new Rng(20240601);
    for (const w of WORKLOADS) {
      const only = opts.only ?? process.env.AWD_BENCH_ONLY?.split(',');
      if (only && !only.includes(w.key)) continue;
      const size = w.shape.reduce((a, b) => a * b, 1);
      const x = ndarray(rng.fillNormal(new Float64Array(size)), w.shape);
      if (py) {
        const file = join(dir, `${w.key}.f64`);
        writeFileSync(file, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
        await py.request(`load ${w.key} ${file} ${w.shape.join(' ')}`);
      }
      const ours: number[] = [];
      const oursCpu: number[] = [];
      const ref: number[] = [];
      const refCpu: number[] = [];
      const oursFaults: number[] = [];
      const refFaults: number[] = [];
      let oursOut: { approx: Float64Array; recon?: Float64Array } | null = null;
      let refOut: PyAnswer | null = null;
      for (let i = 0; i < warmup + reps; i++) {
        const f0 = process.resourceUsage().minorPageFault;
        const m = await measureOnce(() => {
          oursOut = w.run(x);
        });
        if (i >= warmup) {
          ours.push(m.wall);
          oursCpu.push(m.cpu);
          oursFaults.push(process.resourceUsage().minorPageFault - f0);
        }
        if (py) {
          refOut = await py.request<PyAnswer>(`run${w.key}`);
          if (i >= warmup) {
            ref.push(refOut.t);
            refCpu.push(refOut.cpu);
            refFaults.push(refOut.faults);
          }
        }
      }
      const oursT: Timing = summarize(ours);
      // Checked outside the timed region (PyWavelets' side does the same).
      const check = sum(oursOut!.approx);
      // Fresh memory costs a page fault per 4 KiB on first touch, expensive on virtual machines:
      // the median count per repetition explains much of the spread between repetitions.
      const faults = (a: number[]): string => summarize(a).median.toFixed(0);
      let note = `min ours ${oursT.min.toFixed(3)} s${py ? `, PyWavelets ${summarize(ref).min.toFixed(3)} s` : ''}`;
      note += `; page faults per repetition (median) ours ${faults(oursFaults)}${py ? `, PyWavelets ${faults(refFaults)}` : ''}`;
      const recon = oursOut!.recon;
      if (recon) note += `; reconstruction error ours ${maxAbsDiff(recon, x.data).toExponential(1)}`;
      if (refOut) {
        const rel = Math.abs(check - refOut.check) / Math.max(1, Math.abs(refOut.check));
        if (recon) note += `, PyWavelets ${refOut.err.toExponential(1)}`;
        note += `; approximation sums agree to ${rel.toExponential(1)}`;
        if (rel > 1e-9) note += ' (MISMATCH)';
      }
      rows.push({
        suite: 'wavelets',
        name: w.name,
        ours: oursT,
        oursCpu: summarize(oursCpu),
        ref: py ? summarize(ref) : undefined,
        refCpu: py ? summarize(refCpu) : undefined,
        refName: py ? 'PyWavelets' : undefined,
        anchor: ANCHORS[w.key] === undefined ? undefined : { seconds: ANCHORS[w.key], source: 'PyWavelets, DESIGN §4' },
        note,
      });
    }
  } finally {
    py?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

registerSuite({
  name: 'wavelets',
  description: 'DWT engine vs PyWavelets: 1D wavedec+waverec 50000×64, 2D wavedec2+waverec2 100×256×256 (db5, J=4, zero); SWT and packets (db5, J=3)',
  run: () => benchWavelets(),
});

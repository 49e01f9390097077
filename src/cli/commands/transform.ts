/** `awd transform`: wavelet coefficients of data with a saved or named wavelet. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeNpy } from '../../data/npy.ts';
import { writeJsonAtomic } from '../../util/atomic.ts';
import type { NdArray } from '../../util/ndarray.ts';
import { MODES, type Mode } from '../../wavelets/modes.ts';
import { checkSamples, parseChoice, parseInteger, required } from '../args.ts';
import { settingWarnings, waveletArg, waveletFileInput } from '../common.ts';
import { contextOf } from '../context.ts';
import { UsageError } from '../errors.ts';
import { outputDir, refuseOverwrite, type OutputPath } from '../paths.ts';
import { DATA_FORMATS, readDataOption, writeDataArrays } from '../data.ts';

/** Names of the coefficient arrays in the reference order. */
export function coefficientNames(levels: number, dims: 1 | 2): string[] {
  const names = [`approx_${levels}`];
  for (let j = 1; j <= levels; j++) {
    if (dims === 1) names.push(`detail_${j}`);
    else names.push(`cH_${j}`, `cV_${j}`, `cD_${j}`);
  }
  return names;
}

export function addTransformCommand(program: Command): void {
  program
    .command('transform')
    .description('wavelet coefficients of samples, in the reference order [approx_J, detail_1 (finest), …, detail_J]')
    .option('--wavelet <file.json|name>', 'a fitted wavelet file or a family name', 'db5')
    .option('--data <X.npy>', `samples: n × length or n × rows × cols; ${DATA_FORMATS}`)
    .option('--out <coeffs.json|coeffs.npz|coeffs.h5|DIR/>', 'output: .json, .npz (a zip of .npy files), .h5 (HDF5), or a folder of .npy files')
    .option('--levels <J>', 'decomposition levels (default: the file\'s, or 4)')
    .option('--mode <mode>', `boundary mode (default: the file's, or zero): ${MODES.join(', ')}`)
    .addHelpText('after', `
Output formats:
  .json  { wavelet, levels, mode, order, arrays: [{ name, shape, data }] }
  .npz   np.load('coeffs.npz')['detail_1'] — one float64 array per name
  .h5    h5py.File('coeffs.h5')['detail_1'][:] — one float64 dataset per name
  DIR/   DIR/approx_4.npy, DIR/detail_1.npy, … (any other --out path is taken as a folder)
Names: 1D approx_J, detail_1 … detail_J; 2D approx_J, cH_1, cV_1, cD_1, … (level 1 is the finest).`)
    .action(async (o: { wavelet: string; data?: string; out?: string; levels?: string; mode?: string }, c: Command) => {
      const ctx = contextOf(c);
      const dataPath = required('--data', o.data, 'the samples to transform, a .npy file');
      const out = required('--out', o.out, 'coeffs.json, coeffs.npz or a folder');
      const levels = o.levels === undefined ? undefined : parseInteger('--levels', o.levels, 1, 30);
      const mode = o.mode === undefined ? undefined : parseChoice('--mode', o.mode, MODES as readonly Mode[]);
      const w = waveletArg(o.wavelet, levels, mode);
      const X = await readDataOption('--data', dataPath);
      checkSamples('--data', dataPath, X);
      const dims = X.shape.length === 2 ? 1 : 2;
      const names = coefficientNames(w.levels, dims);
      const outputs: OutputPath[] = [{ option: '--out', path: out }];
      if (!/\.(json|npz|h5|hdf5)$/i.test(out)) outputs.push(...names.map((name) => ({ option: '--out', path: join(out, `${name}.npy`) })));
      refuseOverwrite([{ option: '--data', path: dataPath }, waveletFileInput(o.wavelet)], outputs);
      if (outputs.length > 1) outputDir('--out', out);
      settingWarnings(X.shape.slice(1), w.h.length, w.levels);
      const coeffs = w.transform(X);
      if (names.length !== coeffs.length) throw new UsageError(`internal: ${coeffs.length} coefficient arrays for ${names.length} names`);
      let format: string;
      if (out.endsWith('.json')) {
        format = 'json';
        writeJsonAtomic(out, {
          wavelet: o.wavelet, h: Array.from(w.h), levels: w.levels, mode: w.mode,
          order: dims === 1 ? '[approx_J, detail_1 (finest), ..., detail_J]' : '[approx_J, cH_1, cV_1, cD_1, ..., cH_J, cV_J, cD_J]',
          arrays: coeffs.map((a, k) => ({ name: names[k], shape: a.shape, data: Array.from(a.data) })),
        });
      } else if (/\.(npz|h5|hdf5)$/i.test(out)) {
        format = out.toLowerCase().endsWith('.npz') ? 'npz' : 'hdf5';
        const arrays: Record<string, NdArray> = {};
        names.forEach((name, k) => (arrays[name] = coeffs[k]));
        await writeDataArrays('--out', out, arrays);
      } else {
        format = 'npy-dir';
        mkdirSync(out, { recursive: true });
        names.forEach((name, k) => writeNpy(join(out, `${name}.npy`), coeffs[k]));
      }
      ctx.say(`wrote ${coeffs.length} coefficient arrays of ${X.shape[0]} samples to ${out} (${format}; wavelet ${o.wavelet}, J = ${w.levels}, mode ${w.mode})`);
      for (let k = 0; k < names.length; k++) ctx.say(`  ${names[k].padEnd(10)} ${coeffs[k].shape.join(' × ')}`);
      ctx.result({ out, format, levels: w.levels, mode: w.mode, arrays: names.map((name, k) => ({ name, shape: coeffs[k].shape })) });
    });
}

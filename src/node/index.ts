/**
 * awd/node — files (Node.js only): arrays in every format users keep them in, wavelet files,
 * tracks, atomic writes.
 *
 * @example
 * import { readArray, writeArrays, loadWavelet } from 'awd/node';
 * const X = await readArray('maps.fits');                 // FITS cube → [n, rows, cols]
 * const G = await readArray('grads.h5:/train/grads');
 * const w = loadWavelet('wavelet.json');
 * const c = w.transform(X);
 * await writeArrays('coeffs.h5', { approx: c[0], detail_1: c[1] });
 * @module
 */
export { readArray, writeArray, writeArrays, parseArraySpec, inflateRaw, ARRAY_FORMATS } from './io.ts';
export type { ArrayFormat, ArraySource } from './io.ts';
export { readHdf5, writeHdf5 } from './hdf5.ts';
export { readNpy, writeNpy } from '../data/npy.ts';
export { loadTracks } from '../data/tracks.ts';
export type { LoadTracksOptions, LoadedTracks } from '../data/tracks.ts';
export { saveWavelet, loadWavelet } from '../awd/serialize.ts';
export { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
// Checkpoints and sweep folders (docs/scale-out.md): files of long fits and their grids.
export {
  removeCheckpoint, readCheckpoint, checkpointPosition, CheckpointError, DEFAULT_CHECKPOINT_SECONDS,
  planSweep, readSweepPlan, runSweepCell, sweepStatus, collectSweepDir, useSweepFolder, SweepPlanned, fitSweepCell,
} from '../awd/index.ts';
export type { CheckpointOptions, SweepPlan, SweepSettings, CellPoint, CellRun, CellState, PlanInput } from '../awd/index.ts';

/**
 * awd — adaptive wavelet distillation (Ha, Singh, Lanusse, Upadhyayula, Yu, NeurIPS 2021).
 *
 * The core, in the order data flows through it: containers → data (simulators, in-memory
 * formats) → AWD fit (teacher-free) → learned wavelet → interpretable predictor → metrics.
 * It loads no TensorFlow.js and reads no files; the other stages are subpaths:
 *
 *     awd            this module: wavelets, AWD, predictors, simulators, .npy/.npz/FITS/CSV bytes
 *     awd/wavelets   the PyWavelets-compatible transforms alone
 *     awd/teachers   neural teachers and their input gradients (TensorFlow.js)
 *     awd/node       files: readArray/writeArray (.npy, .npz, HDF5, FITS, CSV), wavelet files, tracks
 *     awd/studies    the paper's three studies, run directories, and the HTML report
 *     awd/distill    the Distiller estimator (data → teacher → AWD → predictor; model files)
 *
 * @example
 * import { AdaptiveWavelet } from 'awd';
 * import { readArray, saveWavelet } from 'awd/node';
 * const X = await readArray('X.npy');           // n × 40 signals
 * const G = await readArray('grads.npy');       // the teacher's input gradients at X, same shape
 * const w = AdaptiveWavelet.fit(X, { teacherGrads: G, lambda: 0.005, gamma: 0.043, seed: 0 });
 * const coeffs = w.transform(X);                // [approx_4, detail_1, …, detail_4]
 * saveWavelet(w, 'wavelet.json');
 * @module
 */

// ── Containers, seeds, errors ────────────────────────────────────────────────────────────────
export { ndarray, zeros, sizeOf, sameShape, sliceRows, takeRows } from './util/ndarray.ts';
export type { NdArray } from './util/ndarray.ts';
export { Rng } from './util/rng.ts';
export { AwdError } from './util/checks.ts';
export { VERSION } from './version.ts';

// ── 1. Data: simulators, and arrays from/to bytes (files: awd/node) ─────────────────────────
export { parseNpy, parseNpyHeader, encodeNpy } from './data/npyFormat.ts';
export type { NpyHeader } from './data/npyFormat.ts';
export { parseNpz, encodeNpz, npzKeys } from './data/npz.ts';
export type { Inflate } from './data/zip.ts';
export { parseFits, fitsHdus } from './data/fits.ts';
export type { FitsHdu } from './data/fits.ts';
export { parseCsv } from './data/csv.ts';
export type { CsvTable } from './data/csv.ts';
export { resampleLinear, resampleReference } from './data/resample.ts';
export { simulateMolecular, MOLECULAR_MODEL } from './data/molecular.ts';
export type { MolecularOptions, MolecularSplit } from './data/molecular.ts';
export {
  COSMOLOGIES, PAPER_SPLIT, simulateMap, simulateMapFor, mapBatches, mapSeed, simulateCosmologyDataset,
  cosmologyModel, convergencePowerSpectrum,
} from './data/convergence.ts';
export type {
  Cosmology, SimulatorOptions, CosmologyModel, MapBatch, MapBatchOptions, SplitFractions,
  CosmologyDatasetOptions, CosmologyDataset, CosmologySplit,
} from './data/convergence.ts';
export {
  SIMULATORS, simulateMapComponents, oneHaloPowerSpectrum, backgroundPowerSpectrum,
} from './data/convergence.ts';
export type { SimulatorKind, MapComponents } from './data/convergence.ts';
export { HALO_MODEL } from './data/halos.ts';
export type { Halo, HaloLens } from './data/halos.ts';

// ── 2. AWD: the adaptive wavelet, its objective, fitting, sweeps (teacher gradients come in) ──
export { AdaptiveWavelet, initialFilter } from './awd/adaptive.ts';
export type { FitOptions, FitSettings, FitProgress, EpochRecord, WaveletInit } from './awd/adaptive.ts';
export { awdLoss, resolveWeights, DEFAULT_WEIGHTS, TERM_NAMES, WEIGHTED_TERMS } from './awd/loss.ts';
export type { Weights, TermName, WeightedTerm, LossResult, LossOptions } from './awd/loss.ts';
export { lowpassSum, highpassSum, unitNorm, cmf, orthogonality, highpassOf } from './awd/constraints.ts';
export { waveletToJson, waveletFromJson } from './awd/waveletFile.ts';
export { sweep, fitCell, mergeSweep, cellParams, gridSize, cellWavelet, selectBest } from './awd/sweep.ts';
export type { Grid, CellResult } from './awd/sweep.ts';

// The lattice (exactly orthogonal) parametrisation of the filter.
export {
  latticeFilter, latticeAngles, latticeVjp, latticeJvp, latticeFit, filterFromFreeAngles, freeAnglesVjp, freeAnglesOf,
  fullAngles, parseParametrization, PARAMETRIZATIONS, LatticeOptimizer, momentResiduals, projectMoments, MOMENT_TOLERANCE,
} from './awd/lattice.ts';
export type { Parametrization, LatticeProjection } from './awd/lattice.ts';

// ── 3. Wavelets: families, PyWavelets-compatible transforms, wavefun, distance ───────────────
export {
  MODES, parseMode, dwtCoeffLen, dwtMaxLevel, idwtOutputLen, WAVELET_NAMES, familyLowpass, filterBankFromLowpass,
  Wavelet, wavelet, resolveWavelet, dwt, idwt, wavedec, waverec, wavedecBatch, waverecBatch,
  dwt2, idwt2, wavedec2, waverec2, wavedec2Batch, waverec2Batch, wavefun,
  waveletDistance, waveletDistanceToNamed, DISTANCE_LEVEL, setWasmKernels, wasmKernelsAvailable,
} from './wavelets/index.ts';
export type { Mode, FilterBank, Coeffs2, Image, Wavedec2Result, Wavedec2Batch, WasmKernelSetting } from './wavelets/index.ts';
// Every PyWavelets discrete family and mode, the stationary transform, wavelet packets (issue 16).
export {
  BIORTHOGONAL_NAMES, wavelist, familyFilterBank, swt, iswt, swt2, iswt2, swtBatch, iswtBatch, swt2Batch, iswt2Batch,
  swtMaxLevel, WaveletPacket, WaveletPacket2D, waveletPacketBatch, waveletPacket2DBatch, graycodeOrder,
  dwtn, idwtn, wavedecn, waverecn,
} from './wavelets/index.ts';
export type {
  SwtOptions, SwtLevel, Swt2Level, Swt2Trimmed, SwtBatchLevel, Swt2BatchLevel, PacketNode, PacketImage, PacketOrder, PacketLevelBatch,
  SubbandsN, WavedecN,
} from './wavelets/index.ts';

// ── 4. Predictors: max-coefficient regression, peak counting, metrics ────────────────────────
export { maxCoefficientFeatures, topKByMagnitude } from './predictors/maxCoefficients.ts';
export { RidgeRegression, ridgeCV, defaultAlphas } from './predictors/linear.ts';
export type { RidgeOptions, RidgeCVOptions, RidgeCVResult, AlphaScore } from './predictors/linear.ts';
export { r2Score, rmse, mse } from './predictors/metrics.ts';
export { kFold, fitOnTrainPredictTest, subset } from './predictors/crossValidation.ts';
export type { Fold, Dataset, Predictor } from './predictors/crossValidation.ts';
export { compressionFactor } from './predictors/compression.ts';
export { findPeaks, peakValues, histogram, peakHistograms, peakHistogramsMany, binEdgesFromTraining, PAPER_BIN_EDGES } from './predictors/peaks.ts';
export type { BorderMode, PeakStatistic, PeakCountOptions, BinEdgeOptions } from './predictors/peaks.ts';
export { Chi2Classifier } from './predictors/chi2.ts';
export type { Chi2Options, Chi2Class } from './predictors/chi2.ts';
export { bootstrapRmse } from './predictors/bootstrap.ts';
export type { BootstrapRmse } from './predictors/bootstrap.ts';
export { LAPLACE_KERNEL, LAPLACE_V2_KERNEL, ROBERTS_X, ROBERTS_Y, waveletFilters2d, cutKernel3x3 } from './predictors/kernels.ts';
export type { WaveletFilters2d, KernelCut } from './predictors/kernels.ts';

// ── 5. Distillation's building blocks (the Distiller itself: awd/distill) ───────────────────
export { cvFolds, scorePredictor, bestBy } from './distill/select.ts';
export { groupKFold } from './predictors/crossValidation.ts';
export { lassoCV, fitLasso, lassoPredict } from './predictors/lasso.ts';
export type { LassoModel, LassoOptions, LassoCVResult } from './predictors/lasso.ts';
export { logisticCV, fitLogistic, logisticPredict, logisticProba } from './predictors/logistic.ts';
export type { LogisticModel, LogisticCVResult } from './predictors/logistic.ts';
export { scaleFreeWeights, scaleFreeTerms, termScales } from './awd/loss.ts';
export type { TermScales } from './awd/loss.ts';

/**
 * awd — adaptive wavelet distillation (Ha, Singh, Lanusse, Upadhyayula, Yu, NeurIPS 2021).
 *
 * The public API, in the order data flows through it:
 *
 *     data → teacher → teacher input-gradients (once) → AWD fit (teacher-free) → learned wavelet
 *          → interpretable predictor → metrics, tables, figures
 *
 * @example
 * import { readNpy, AdaptiveWavelet, saveWavelet } from 'awd';
 * const X = readNpy('X.npy');          // n × 40 signals
 * const G = readNpy('grads.npy');      // the teacher's input gradients at X, same shape
 * const w = AdaptiveWavelet.fit(X, { teacherGrads: G, lambda: 0.005, gamma: 0.043, seed: 0 });
 * const coeffs = w.transform(X);       // [approx_4, detail_1, …, detail_4]
 * saveWavelet(w, 'wavelet.json');
 * @module
 */

// ── Containers, seeds, errors ────────────────────────────────────────────────────────────────
export { ndarray, zeros, sizeOf, sameShape, sliceRows, takeRows } from './util/ndarray.ts';
export type { NdArray } from './util/ndarray.ts';
export { Rng } from './util/rng.ts';
export { AwdError } from './util/checks.ts';
export { writeFileAtomic, writeJsonAtomic } from './util/atomic.ts';
export { VERSION } from './version.ts';

// ── 1. Data: .npy files, tracks, simulators ──────────────────────────────────────────────────
export { readNpy, writeNpy, parseNpy, parseNpyHeader, encodeNpy } from './data/npy.ts';
export type { NpyHeader } from './data/npy.ts';
export { loadTracks, resampleLinear, resampleReference } from './data/tracks.ts';
export type { LoadTracksOptions, LoadedTracks } from './data/tracks.ts';
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

// ── 2. Teachers: neural networks and their input gradients (TensorFlow.js) ───────────────────
export {
  ensureBackend, currentBackend, trainTeacher, architectureFor, NeuralTeacher, saveTeacher, loadTeacher,
  TEACHER_FORMAT, TEACHER_FORMAT_VERSION,
} from './teachers/index.ts';
export type {
  BackendName, Teacher, TeacherKind, Architecture, MlpArchitecture, LstmArchitecture, CnnArchitecture,
  TrainOptions, TrainResult, EpochLog, InputGradientOptions, PredictOptions, TrainingInfo, TeacherFile,
} from './teachers/index.ts';

// ── 3. AWD: the adaptive wavelet, its objective, fitting, sweeps, files ──────────────────────
export {
  AdaptiveWavelet, checkDataAndGrads, initialFilter, awdLoss, resolveWeights, DEFAULT_WEIGHTS, TERM_NAMES,
  WEIGHTED_TERMS, lowpassSum, highpassSum, unitNorm, cmf, orthogonality, highpassOf, Adam,
  saveWavelet, loadWavelet, waveletToJson, waveletFromJson,
  sweep, fitCell, mergeSweep, cellParams, gridSize, cellWavelet, selectBest,
} from './awd/index.ts';
export type {
  FitOptions, FitSettings, FitProgress, EpochRecord, WaveletInit, Weights, TermName, WeightedTerm,
  LossResult, LossOptions, Grid, CellResult,
} from './awd/index.ts';

// ── 4. Wavelets: families, PyWavelets-compatible transforms, wavefun, distance ───────────────
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

// ── 5. Predictors: max-coefficient regression, peak counting, metrics ────────────────────────
export { maxCoefficientFeatures, topKByMagnitude } from './predictors/maxCoefficients.ts';
export { RidgeRegression, ridgeCV, defaultAlphas } from './predictors/linear.ts';
export type { RidgeOptions, RidgeCVOptions, RidgeCVResult, AlphaScore } from './predictors/linear.ts';
export { r2Score, rmse, mse } from './predictors/metrics.ts';
export { kFold, fitOnTrainPredictTest, subset } from './predictors/crossValidation.ts';
export type { Fold, Dataset, Predictor } from './predictors/crossValidation.ts';
export { compressionFactor } from './predictors/compression.ts';
export {
  findPeaks, filterMap3x3, peakValues, histogram, peakHistograms, binEdgesFromTraining, linspace, PAPER_BIN_EDGES,
} from './predictors/peaks.ts';
export type { BorderMode, PeakStatistic, PeakCountOptions, BinEdgeOptions } from './predictors/peaks.ts';
export { Chi2Classifier, pinvSymmetric } from './predictors/chi2.ts';
export type { Chi2Options, Chi2Class } from './predictors/chi2.ts';
export { bootstrapRmse } from './predictors/bootstrap.ts';
export type { BootstrapRmse } from './predictors/bootstrap.ts';
export {
  LAPLACE_KERNEL, LAPLACE_V2_KERNEL, ROBERTS_X, ROBERTS_Y, robertsCrossAt, outer, waveletFilters2d, cutKernel3x3,
  extractPatches,
} from './predictors/kernels.ts';
export type { WaveletFilters2d, KernelCut } from './predictors/kernels.ts';

// ── 6. Studies: the paper's three experiments, and run directories ───────────────────────────
export { runSyntheticStudy } from './studies/synthetic.ts';
export type { SyntheticStudyOptions } from './studies/synthetic.ts';
export { runMolecularStudy } from './studies/molecular.ts';
export type { MolecularStudyOptions } from './studies/molecular.ts';
export { runCosmologyStudy } from './studies/cosmology.ts';
export type { CosmologyStudyOptions } from './studies/cosmology.ts';
export type { StudyResult, StudyProgress, Table, Figure } from './studies/types.ts';
export { writeStudyRun, readStudyRun } from './studies/write.ts';
export type { RunFiles, RunManifest } from './studies/write.ts';

// ── 7. Report: SVG figures, tables, the HTML page ────────────────────────────────────────────
export { linePlot, linePlotBody, heatmap, heatmapBody, panelGrid, svgDocument, PALETTE } from './report/svg.ts';
export type { Series, LinePlotOptions, HeatmapOptions, Panel } from './report/svg.ts';
export { formatCell, tableToMarkdown, tableToText, tableToHtml } from './report/table.ts';
export { waveletFunctionsPlot, waveletSummaryPlot } from './report/wavelets.ts';
export { renderReport } from './report/html.ts';

/**
 * AWD core: the adaptive wavelet, its objective, attributions and fitting.
 * @module
 */
export { AdaptiveWavelet, checkDataAndGrads, initialFilter } from './adaptive.ts';
export type { FitOptions, FitSettings, FitProgress, EpochRecord, WaveletInit } from './adaptive.ts';
export { awdLoss, resolveWeights, DEFAULT_WEIGHTS, TERM_NAMES, WEIGHTED_TERMS } from './loss.ts';
export type { Weights, TermName, WeightedTerm, LossResult, LossOptions } from './loss.ts';
export { lowpassSum, highpassSum, unitNorm, cmf, orthogonality, highpassOf } from './constraints.ts';
export { makeEngine } from './engine.ts';
export type { FilterBankEngine } from './engine.ts';
export { Adam } from './adam.ts';
export { saveWavelet, loadWavelet, waveletToJson, waveletFromJson } from './serialize.ts';
export { sweep, fitCell, mergeSweep, cellParams, gridSize, cellWavelet, selectBest } from './sweep.ts';
export type { Grid, CellResult } from './sweep.ts';
export {
  latticeFilter, latticeAngles, latticeVjp, latticeJvp, latticeFit, filterFromFreeAngles, freeAnglesVjp, freeAnglesOf,
  fullAngles, parseParametrization, PARAMETRIZATIONS, LatticeOptimizer, momentResiduals, projectMoments, MOMENT_TOLERANCE,
} from './lattice.ts';
export type { Parametrization, LatticeProjection } from './lattice.ts';
export { Checkpointer, CheckpointError, readCheckpoint, removeCheckpoint, checkpointPosition, hashArrays, DEFAULT_CHECKPOINT_SECONDS } from './checkpoint.ts';
export type { CheckpointOptions, FitFingerprint, TrainSnapshot } from './checkpoint.ts';
export {
  planSweep, readSweepPlan, runSweepCell, sweepStatus, collectSweepDir, useSweepFolder, SweepPlanned, cellPoint, fitSweepCell,
} from './sweepPlan.ts';
export type { SweepPlan, SweepSettings, SweepFingerprint, CellPoint, CellRun, CellState, PlanInput, SweepExpectation } from './sweepPlan.ts';

/**
 * Distillation as one estimator: `Distiller` (fit → predict / score / explain / save / load), its
 * feature families and linear heads, and the explanation figure.
 * @module
 */
export {
  Distiller, DEFAULT_BASELINES, MODEL_FORMAT, MODEL_FORMAT_VERSION, defaultGrid, defaultFamilies, inferTask, checkXy, fingerprint,
  candidatePredict, scorePredictions, rocAuc,
  type DistillOptions, type DistillState, type DistillSettings, type Candidate, type CandidateKind, type Scores, type Explanation, type Contribution, type CvOptions,
} from './distiller.ts';
export { computeFeatures, resolveFeatureDef, featureName, FEATURE_FAMILIES, type FeatureDef, type FeatureFamily, type Features } from './features.ts';
export { fitHeadCV, headFor, headPredict, headProba, headNonzeros, type LinearHead, type HeadKind, type Task, type ScoredHead } from './heads.ts';
export { explainFigure } from './explainFigure.ts';

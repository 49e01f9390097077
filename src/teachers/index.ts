/**
 * Neural teachers (TensorFlow.js, wasm or cpu backend): training, predictions, input gradients,
 * saving and loading.
 */
export { ensureBackend, currentBackend, wasmDistDir, type BackendName } from './backend.ts';
export { registerWasmKernels, conv2dBackpropFilterViaConv, conv2dBackpropInputViaConv } from './wasm_kernels.ts';
export {
  paramSpecs,
  initParams,
  validateArchitecture,
  forwardStandardized,
  forwardRaw,
  identityScaling,
  momentStatistics,
  momentCount,
  MOMENT_VIEWS,
  MOMENT_EPS,
  type MomentView,
  type MomentsBranch,
  type TeacherKind,
  type Architecture,
  type MlpArchitecture,
  type LstmArchitecture,
  type CnnArchitecture,
  type Scaling,
  type ParamSpec,
} from './models.ts';
export { NeuralTeacher, loadTeacher, type Teacher, type InputGradientOptions, type PredictOptions, type TrainingInfo } from './teacher.ts';
export {
  trainTeacher,
  crossValidateTeacher,
  architectureFor,
  symmetryOf,
  type TrainOptions,
  type TrainResult,
  type EpochLog,
  type CvResult,
  type CrossValidateOptions,
  type LrSchedule,
  type Augmentation,
} from './train.ts';
export { saveTeacher, libraryVersion, TEACHER_FORMAT, TEACHER_FORMAT_VERSION, type TeacherFile } from './io.ts';
export { r2Score, meanSquaredError } from './metrics.ts';

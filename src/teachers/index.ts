/**
 * Neural teachers (TensorFlow.js, wasm or cpu backend): training, predictions, input gradients,
 * saving and loading. The public API of `awd/teachers`; the parameter layout, the forward
 * functions and the WebAssembly kernels stay internal (tests import their modules directly).
 */
export { ensureBackend, currentBackend, type BackendName } from './backend.ts';
export {
  validateArchitecture,
  MOMENT_VIEWS,
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
  type TrainOptions,
  type TrainResult,
  type EpochLog,
  type CvResult,
  type CrossValidateOptions,
  type LrSchedule,
  type Augmentation,
} from './train.ts';
export { saveTeacher, TEACHER_FORMAT, TEACHER_FORMAT_VERSION, type TeacherFile } from './io.ts';
export { r2Score, meanSquaredError } from './metrics.ts';

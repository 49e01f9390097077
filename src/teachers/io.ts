/**
 * Saving and loading teachers to a folder, without tfjs io handlers (which need a browser or
 * tfjs-node):
 *
 *   dir/teacher.json   format, library version, kind, architecture, input shape, scaling,
 *                      training info, and a manifest of the weights (name, shape, byte offset,
 *                      byte length), their total byte count and SHA-256
 *   dir/weights.bin    every parameter as little-endian float32, concatenated in manifest order
 *
 * Both files are written atomically (weights first, then the JSON that refers to them). On load,
 * the byte count and the SHA-256 of weights.bin must match the manifest, and the manifest must
 * match the architecture; otherwise a clear error says which file is wrong.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwdError } from '../util/checks.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { confinedPath } from '../util/confine.ts';
import { sizeOf } from '../util/ndarray.ts';
import { paramSpecs, validateArchitecture, type Architecture, type Scaling } from './models.ts';

/** Metadata about how a teacher was trained (saved with it, informational). */
export interface TrainingInfo {
  seed?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  nTrain?: number;
  valR2?: number | null;
  backend?: string;
  /** Seed of the validation split, when given apart from `seed`. */
  valSeed?: number;
  lrSchedule?: string;
  patience?: number;
  weightDecay?: number;
  dropout?: number;
  augment?: string;
  /** Epoch whose weights were kept (0: the initial ones). */
  bestEpoch?: number;
  /** Epochs run (early stopping may end before `epochs`). */
  epochsRun?: number;
  /** Training curve: train/validation MSE per epoch (no wall-clock times: same inputs + seed → same file). */
  history?: { epoch: number; trainLoss: number; valLoss: number | null; learningRate?: number }[];
  /** k-fold cross-validation estimate, when requested. */
  cv?: { folds: number; seed: number; r2: number[]; rmse: number[]; r2Mean: number; r2Std: number; rmseMean: number; rmseStd: number; epochs: number[] };
}

/**
 * What the files hold: a teacher's architecture, output scaling, training info and weights.
 * `NeuralTeacher` has this shape; this module knows nothing else of it (dependencies run
 * teacher.ts → io.ts only).
 */
export interface TeacherParts {
  readonly architecture: Architecture;
  readonly scaling: Scaling;
  readonly training: TrainingInfo;
  /** Every parameter tensor's values, in `paramSpecs(architecture)` order. */
  getWeights(): Float32Array[];
}

export const TEACHER_FORMAT = 'awd-teacher';
export const TEACHER_FORMAT_VERSION = 1;
const JSON_NAME = 'teacher.json';
const WEIGHTS_NAME = 'weights.bin';

export interface WeightEntry {
  name: string;
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

export interface TeacherFile {
  format: typeof TEACHER_FORMAT;
  formatVersion: number;
  library: 'awd';
  libraryVersion: string;
  kind: Architecture['kind'];
  inputShape: number[];
  outputDim: number;
  architecture: Architecture;
  scaling: Scaling;
  training: TrainingInfo;
  weights: {
    file: string;
    dtype: 'float32';
    byteOrder: 'little';
    byteLength: number;
    sha256: string;
    tensors: WeightEntry[];
  };
}

let cachedVersion: string | null = null;

/** awd's version, from its package.json. */
export function libraryVersion(): string {
  if (cachedVersion === null) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
      cachedVersion = pkg.version ?? 'unknown';
    } catch {
      cachedVersion = 'unknown';
    }
  }
  return cachedVersion;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Saves a teacher to `dir` (created if needed): teacher.json + weights.bin, atomically. */
export async function saveTeacher(teacher: TeacherParts, dir: string): Promise<void> {
  const specs = paramSpecs(teacher.architecture);
  const weights = teacher.getWeights();
  const total = weights.reduce((a, w) => a + w.length * 4, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const tensors: WeightEntry[] = [];
  let offset = 0;
  weights.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) view.setFloat32(offset + 4 * j, w[j], true);
    tensors.push({ name: specs[i].name, shape: specs[i].shape, byteOffset: offset, byteLength: w.length * 4 });
    offset += w.length * 4;
  });
  const file: TeacherFile = {
    format: TEACHER_FORMAT,
    formatVersion: TEACHER_FORMAT_VERSION,
    library: 'awd',
    libraryVersion: libraryVersion(),
    kind: teacher.architecture.kind,
    inputShape: teacher.architecture.inputShape,
    outputDim: teacher.architecture.outputDim,
    architecture: teacher.architecture,
    scaling: teacher.scaling,
    training: teacher.training,
    weights: { file: WEIGHTS_NAME, dtype: 'float32', byteOrder: 'little', byteLength: total, sha256: sha256(bytes), tensors },
  };
  writeFileAtomic(join(dir, WEIGHTS_NAME), bytes);
  writeJsonAtomic(join(dir, JSON_NAME), file);
}

/**
 * Reads the parts of a teacher saved by saveTeacher, checking that the files are whole and
 * consistent (`loadTeacher` in teacher.ts builds the network from them).
 */
export async function readTeacherFiles(dir: string): Promise<{ architecture: Architecture; scaling: Scaling; training: TrainingInfo; weights: Float32Array[] }> {
  const where = 'loadTeacher';
  const jsonPath = join(dir, JSON_NAME);
  if (!existsSync(jsonPath)) {
    throw new AwdError(where, `no ${JSON_NAME} in '${dir}'; give the folder a teacher was saved to with saveTeacher`);
  }
  let file: TeacherFile;
  try {
    file = JSON.parse(readFileSync(jsonPath, 'utf8')) as TeacherFile;
  } catch (err) {
    throw new AwdError(where, `'${jsonPath}' is not valid JSON (${(err as Error).message}); the file is damaged: save the teacher again`);
  }
  if (!file || file.format !== TEACHER_FORMAT) {
    throw new AwdError(where, `'${jsonPath}' is not an awd teacher file (format is ${JSON.stringify(file?.format)})`);
  }
  if (file.formatVersion !== TEACHER_FORMAT_VERSION) {
    throw new AwdError(
      where,
      `'${jsonPath}' has teacher format version ${file.formatVersion}, this awd (${libraryVersion()}) reads version ${TEACHER_FORMAT_VERSION}`,
    );
  }
  const arch = file.architecture;
  try {
    validateArchitecture(arch, where);
  } catch (err) {
    throw new AwdError(where, `'${jsonPath}' has an invalid architecture: ${(err as Error).message.replace(/^Error in [^:]*: /, '')}`);
  }
  const sc = file.scaling;
  const okNums = (a: unknown, n: number): boolean =>
    Array.isArray(a) && a.length === n && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (
    !sc ||
    !Number.isFinite(sc.inputMean) ||
    !(sc.inputStd > 0) ||
    !okNums(sc.outputMean, arch.outputDim) ||
    !okNums(sc.outputStd, arch.outputDim)
  ) {
    throw new AwdError(where, `'${jsonPath}' has an invalid 'scaling' entry; save the teacher again`);
  }
  const w = file.weights;
  // A path read from a file is untrusted: it must stay inside the teacher folder (links included).
  const weightsPath = confinedPath(dir, w?.file ?? WEIGHTS_NAME, where, jsonPath);
  if (!w || w.dtype !== 'float32' || !Array.isArray(w.tensors)) {
    throw new AwdError(where, `'${jsonPath}' has no valid weights manifest; save the teacher again`);
  }
  if (!existsSync(weightsPath)) {
    throw new AwdError(where, `the weights file '${weightsPath}' named in ${JSON_NAME} is missing; copy the whole teacher folder`);
  }
  const bytes = new Uint8Array(readFileSync(weightsPath));
  if (bytes.length !== w.byteLength) {
    throw new AwdError(
      where,
      `'${weightsPath}' has ${bytes.length} bytes but ${JSON_NAME} says ${w.byteLength}: the file is ` +
        `${bytes.length < w.byteLength ? 'truncated' : 'too long'}; copy the whole teacher folder again or save it again`,
    );
  }
  if (sha256(bytes) !== w.sha256) {
    throw new AwdError(where, `'${weightsPath}' does not match the SHA-256 in ${JSON_NAME}: it was modified or damaged; save the teacher again`);
  }
  const specs = paramSpecs(arch);
  if (w.tensors.length !== specs.length) {
    throw new AwdError(where, `'${jsonPath}' lists ${w.tensors.length} weight tensors but a ${arch.kind} of this architecture has ${specs.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights = specs.map((spec, i) => {
    const e = w.tensors[i];
    const n = sizeOf(spec.shape);
    if (
      e.name !== spec.name ||
      e.shape.length !== spec.shape.length ||
      e.shape.some((v, j) => v !== spec.shape[j]) ||
      e.byteLength !== n * 4 ||
      !Number.isInteger(e.byteOffset) ||
      e.byteOffset < 0 ||
      e.byteOffset + e.byteLength > bytes.length
    ) {
      throw new AwdError(
        where,
        `'${jsonPath}': weight entry ${i} (${e?.name} [${e?.shape}]) does not match the architecture, which expects ${spec.name} [${spec.shape}]`,
      );
    }
    const out = new Float32Array(n);
    for (let j = 0; j < n; j++) out[j] = view.getFloat32(e.byteOffset + 4 * j, true);
    return out;
  });
  return { architecture: arch, scaling: sc, training: file.training ?? {}, weights };
}

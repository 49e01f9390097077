/**
 * Writing a study result to a run directory, and reading it back:
 *
 *     DIR/run.json                 manifest: study, title, findings, timings, tables, file list
 *     DIR/results.json             the machine-readable results
 *     DIR/settings.json            every setting needed to reproduce the run
 *     DIR/tables/<k>-<slug>.md     each table as Markdown …
 *     DIR/tables/<k>-<slug>.json   … and as JSON ({ title, columns, rows, notes })
 *     DIR/figures/<name>.svg       each figure
 *     DIR/artifacts/<name>         saved artefacts, e.g. fitted wavelet files (.json)
 *     DIR/report.html              the self-contained HTML report
 *
 * Every file is written atomically.
 * @module
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.ts';
import { AwdError } from '../util/checks.ts';
import { confinedPath } from '../util/confine.ts';
import { VERSION } from '../version.ts';
import { renderReport } from '../report/html.ts';
import { tableToMarkdown } from '../report/table.ts';
import type { Figure, StudyResult, Table } from './types.ts';

export const RUN_FORMAT = 'awd-run';
export const RUN_FORMAT_VERSION = 1;

/** The manifest `run.json` of a run directory. */
export interface RunManifest {
  format: typeof RUN_FORMAT;
  formatVersion: number;
  library: { name: 'awd'; version: string };
  study: string;
  title: string;
  findings: string[];
  timings: Record<string, number>;
  tables: (Table & { files: { md: string; json: string } })[];
  figures: { name: string; title: string; caption: string; file: string }[];
  artifacts: { name: string; file: string }[];
  files: { results: string; settings: string; report: string };
}

/** Paths written by {@link writeStudyRun}. */
export interface RunFiles {
  dir: string;
  manifest: string;
  report: string;
  results: string;
  settings: string;
  tables: string[];
  figures: string[];
  artifacts: string[];
}

/** A file-name-safe stem. */
function safeName(s: string, fallback: string): string {
  const t = String(s).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80);
  return t || fallback;
}

function artifactFile(name: string, content: string): string {
  const base = safeName(name, 'artifact');
  if (/\.[A-Za-z0-9]{1,8}$/.test(base)) return base;
  try {
    JSON.parse(content);
    return `${base}.json`;
  } catch {
    return `${base}.txt`;
  }
}

function checkResult(r: StudyResult): void {
  const where = 'writeStudyRun';
  if (!r || typeof r !== 'object') throw new AwdError(where, 'expected a StudyResult object');
  for (const k of ['tables', 'figures', 'findings'] as const) {
    if (!Array.isArray(r[k])) throw new AwdError(where, `the study result has no '${k}' array; a study must return every field of StudyResult`);
  }
  if (typeof r.study !== 'string' || typeof r.title !== 'string') throw new AwdError(where, 'the study result needs a study name and a title');
}

/**
 * Writes a study result to `dir` (created if needed) and renders `report.html`.
 *
 * @example
 * const result = await runSyntheticStudy({ size: 'tiny', seed: 0 });
 * const files = writeStudyRun(result, 'runs/synthetic');
 * console.log(files.report); // runs/synthetic/report.html
 */
export function writeStudyRun(result: StudyResult, dir: string): RunFiles {
  checkResult(result);
  const previous = previousFiles(dir);
  const tables: RunManifest['tables'] = [];
  const tableFiles: string[] = [];
  const usedTables = new Set<string>();
  result.tables.forEach((t, k) => {
    let stem = `${k + 1}-${t.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'table'}`;
    while (usedTables.has(stem)) stem += '_';
    usedTables.add(stem);
    const md = `tables/${stem}.md`;
    const js = `tables/${stem}.json`;
    writeFileAtomic(join(dir, md), tableToMarkdown(t));
    writeJsonAtomic(join(dir, js), { title: t.title, columns: t.columns, rows: t.rows, notes: t.notes ?? [] });
    tableFiles.push(join(dir, md), join(dir, js));
    tables.push({ ...t, files: { md, json: js } });
  });
  const figures: RunManifest['figures'] = [];
  const usedFigures = new Set<string>();
  result.figures.forEach((f: Figure, k) => {
    let stem = safeName(f.name, `figure-${k + 1}`);
    while (usedFigures.has(stem)) stem += '_';
    usedFigures.add(stem);
    const file = `figures/${stem}.svg`;
    writeFileAtomic(join(dir, file), f.svg);
    figures.push({ name: f.name, title: f.title, caption: f.caption, file });
  });
  const artifacts: RunManifest['artifacts'] = [];
  const usedArtifacts = new Set<string>();
  for (const [name, content] of Object.entries(result.artifacts ?? {})) {
    const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n';
    let fileName = artifactFile(name, text);
    while (usedArtifacts.has(fileName)) fileName = `_${fileName}`;
    usedArtifacts.add(fileName);
    const file = `artifacts/${fileName}`;
    writeFileAtomic(join(dir, file), text);
    artifacts.push({ name, file });
  }
  writeJsonAtomic(join(dir, 'results.json'), result.results ?? {});
  writeJsonAtomic(join(dir, 'settings.json'), result.settings ?? {});
  const manifest: RunManifest = {
    format: RUN_FORMAT,
    formatVersion: RUN_FORMAT_VERSION,
    library: { name: 'awd', version: VERSION },
    study: result.study,
    title: result.title,
    findings: result.findings,
    timings: result.timings ?? {},
    tables,
    figures,
    artifacts,
    files: { results: 'results.json', settings: 'settings.json', report: 'report.html' },
  };
  writeJsonAtomic(join(dir, 'run.json'), manifest);
  const report = join(dir, 'report.html');
  writeFileAtomic(report, renderReport(result));
  // Files of an earlier run in the same directory that this run did not rewrite would be stale.
  const current = new Set([...tables.flatMap((t) => [t.files.md, t.files.json]), ...figures.map((f) => f.file), ...artifacts.map((a) => a.file)]);
  for (const rel of previous) if (!current.has(rel)) rmSync(join(dir, rel), { force: true });
  return {
    dir,
    manifest: join(dir, 'run.json'),
    report,
    results: join(dir, 'results.json'),
    settings: join(dir, 'settings.json'),
    tables: tableFiles,
    figures: figures.map((f) => join(dir, f.file)),
    artifacts: artifacts.map((a) => join(dir, a.file)),
  };
}

/** The table, figure and artefact files listed by an earlier run's manifest in `dir` (if any). */
function previousFiles(dir: string): string[] {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Partial<RunManifest>;
    if (m.format !== RUN_FORMAT) return [];
    const files = [
      ...(m.tables ?? []).flatMap((t) => [t.files?.md, t.files?.json]),
      ...(m.figures ?? []).map((f) => f.file),
      ...(m.artifacts ?? []).map((a) => a.file),
    ];
    // Only plain relative paths inside the run's own sub-folders.
    return files.filter((f): f is string => typeof f === 'string' && /^(tables|figures|artifacts)\/[^/\\]+$/.test(f) && !f.includes('..'));
  } catch {
    return [];
  }
}

function readText(dir: string, rel: string): string {
  // Paths in run.json are untrusted: they must stay inside the run directory (links included).
  const p = confinedPath(dir, rel, 'readStudyRun', join(dir, 'run.json'));
  try {
    return readFileSync(p, 'utf8');
  } catch (e) {
    throw new AwdError('readStudyRun', `cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the run directory is incomplete — rerun the study`);
  }
}

/**
 * The files `readStudyRun(dir)` reads: run.json and every file it names (each checked to stay
 * inside `dir`), e.g. to refuse an output path that would overwrite one of them.
 */
export function studyRunInputs(dir: string): string[] {
  const files = [join(dir, 'run.json')];
  let m: Partial<RunManifest>;
  try {
    m = JSON.parse(readFileSync(files[0], 'utf8')) as Partial<RunManifest>;
  } catch {
    return files;
  }
  const rels = [
    m.files?.settings ?? 'settings.json', m.files?.results ?? 'results.json',
    ...(Array.isArray(m.figures) ? m.figures : []).map((f) => f?.file),
    ...(Array.isArray(m.artifacts) ? m.artifacts : []).map((a) => a?.file),
  ];
  for (const rel of rels) files.push(confinedPath(dir, rel, 'readStudyRun', files[0]));
  return files;
}

/**
 * Reads a run directory written by {@link writeStudyRun} back into a StudyResult (figures and
 * artefacts from their files).
 */
export function readStudyRun(dir: string): StudyResult {
  const where = 'readStudyRun';
  if (!existsSync(join(dir, 'run.json'))) {
    throw new AwdError(where, `'${dir}' is not a run directory (no run.json); give the folder written by 'awd demo' or writeStudyRun`);
  }
  let m: RunManifest;
  try {
    m = JSON.parse(readText(dir, 'run.json'));
  } catch (e) {
    if (e instanceof AwdError) throw e;
    throw new AwdError(where, `${join(dir, 'run.json')} is not valid JSON (${(e as Error).message}); rerun the study`);
  }
  if (m.format !== RUN_FORMAT) throw new AwdError(where, `${join(dir, 'run.json')} is not an awd run manifest (format '${String(m.format)}')`);
  if (m.formatVersion !== RUN_FORMAT_VERSION) throw new AwdError(where, `${join(dir, 'run.json')} has format version ${m.formatVersion}; this awd (${VERSION}) reads ${RUN_FORMAT_VERSION}`);
  for (const k of ['tables', 'figures', 'artifacts', 'findings'] as const) {
    const v = (m as unknown as Record<string, unknown>)[k];
    if (v !== undefined && (!Array.isArray(v) || (k !== 'findings' && v.some((e) => e === null || typeof e !== 'object')))) {
      throw new AwdError(where, `${join(dir, 'run.json')} has a malformed "${k}" (expected an array${k === 'findings' ? '' : ' of objects'}); rerun the study`);
    }
  }
  const parse = (rel: string): Record<string, unknown> => {
    try {
      return JSON.parse(readText(dir, rel));
    } catch (e) {
      if (e instanceof AwdError) throw e;
      throw new AwdError(where, `${join(dir, rel)} is not valid JSON; rerun the study`);
    }
  };
  const artifacts: Record<string, string> = {};
  for (const a of m.artifacts ?? []) artifacts[a.name] = readText(dir, a.file);
  return {
    study: m.study,
    title: m.title,
    settings: parse(m.files?.settings ?? 'settings.json'),
    results: parse(m.files?.results ?? 'results.json'),
    tables: (m.tables ?? []).map(({ files: _files, ...t }) => t),
    figures: (m.figures ?? []).map((f) => ({ name: f.name, title: f.title, caption: f.caption, svg: readText(dir, f.file) })),
    timings: m.timings ?? {},
    findings: m.findings ?? [],
    artifacts,
  };
}

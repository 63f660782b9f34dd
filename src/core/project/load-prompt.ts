/**
 * Everything a command needs about one prompt file: the parsed document, its sidecar settings merged in, the
 * dataset rows and normalized evaluators — plus every diagnostic found on the way. Shared by the CLI and the host.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../diagnostics';
import type { PromptDocument, WhetstoneSettings } from '../documents/types';
import type { DatasetRow } from '../data/types';
import type { EvaluatorSpec } from '../evaluators/types';
import type { FileSystemPort } from '../ports';
import { parsePromptFile, parseSidecar, sidecarPathFor, mergeSettings } from '../documents';
import { loadDataset, checkDatasetColumns } from '../data';
import { normalizeEvaluators } from '../evaluators';
import { missingVariableDiagnostics, type RowsSource } from '../documents/missing-variables';

const rowsOf = (file: string): RowsSource => ({
  name: `rows of ${file}`,
  singular: `row of ${file}`,
  code: 'dataset-missing-variable',
});

export interface LoadedPrompt {
  doc: PromptDocument;
  settings: WhetstoneSettings;
  sidecarFile?: string;
  rows: DatasetRow[];
  /** Where the rows came from, for messages. */
  rowsSource: 'dataset' | 'sidecar' | 'testData' | 'none';
  evaluators: EvaluatorSpec[];
  diagnostics: Diagnostic[];
}

export interface LoadPromptOptions {
  /** A dataset file given on the command line; wins over the sidecar and inline rows. */
  dataset?: string;
}

export async function loadPrompt(
  file: string,
  fs: FileSystemPort,
  options: LoadPromptOptions = {},
): Promise<LoadedPrompt> {
  const text = await fs.readText(file);
  let doc = parsePromptFile(file, text);
  const diagnostics: Diagnostic[] = [...doc.diagnostics];

  // Evaluators are normalized per source, so each diagnostic names the file it is in.
  const evaluators: EvaluatorSpec[] = [];
  const addEvaluators = (raw: unknown[] | undefined, source: string, sourceText: string) => {
    if (!raw?.length) return;
    const normalized = normalizeEvaluators(raw, { file: source, text: sourceText });
    diagnostics.push(...normalized.diagnostics);
    evaluators.push(...normalized.specs);
  };
  addEvaluators(doc.rawEvaluators, file, text);
  addEvaluators(doc.settings.rawEvaluators, file, text);

  const sidecarFile = sidecarPathFor(file);
  let sidecarFound = false;
  if (await fs.exists(sidecarFile)) {
    const sidecarText = await fs.readText(sidecarFile);
    const sidecar = parseSidecar(sidecarFile, sidecarText);
    diagnostics.push(...sidecar.diagnostics);
    addEvaluators(sidecar.settings.rawEvaluators, sidecarFile, sidecarText);
    doc = mergeSettings(doc, sidecar.settings);
    sidecarFound = true;
  }
  const settings = doc.settings;
  const variableNames = [...new Set(doc.variables.map((v) => v.name))];

  let rows: DatasetRow[] = [];
  let rowsSource: LoadedPrompt['rowsSource'] = 'none';
  const datasetFile =
    options.dataset ?? (settings.dataset ? path.resolve(path.dirname(file), settings.dataset) : undefined);
  if (datasetFile) {
    const loaded = await loadDataset(datasetFile, fs, { variables: variableNames });
    diagnostics.push(...loaded.diagnostics);
    rows = loaded.rows;
    rowsSource = 'dataset';
    diagnostics.push(...missingVariableDiagnostics(doc, rows, rowsOf(path.basename(datasetFile))));
  } else if (settings.rows?.length) {
    rows = settings.rows;
    rowsSource = 'sidecar';
    diagnostics.push(...checkDatasetColumns(rows, variableNames, sidecarFile));
    diagnostics.push(...missingVariableDiagnostics(doc, rows, rowsOf(path.basename(sidecarFile))));
  } else if (doc.testData.length) {
    // The prompt.yml parser already reports variables the testData rows lack, at the variable.
    rows = doc.testData;
    rowsSource = 'testData';
  }

  return {
    doc,
    settings,
    sidecarFile: sidecarFound ? sidecarFile : undefined,
    rows,
    rowsSource,
    evaluators,
    diagnostics,
  };
}

export function errorsOf(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

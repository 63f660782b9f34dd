export type { DatasetRow } from './types';
export { loadDataset, datasetFormatOf } from './load-dataset';
export type { LoadDatasetOptions, LoadedDataset, DatasetFormat } from './load-dataset';
export { rowsFromTestData, rowFromRecord } from './row-shape';
export type { RowShapeOptions, RowShapeResult } from './row-shape';
export { checkDatasetColumns } from './check-columns';
export { splitRows, MIN_ROWS_FOR_SPLIT } from './split';
export type { SplitOptions, RowSplit } from './split';

/** What each format parser yields: records with the 1-based line they start on, and problems with positions. */
export interface RawRecord {
  value: unknown;
  line: number;
}

export interface RecordProblem {
  line: number;
  column?: number;
  code: string;
  message: string;
}

export interface ParsedRecords {
  records: RawRecord[];
  problems: RecordProblem[];
}

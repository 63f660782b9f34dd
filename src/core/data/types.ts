/** One example: template variables plus optional labels. */
export interface DatasetRow {
  /** Template variable values. */
  vars: Record<string, unknown>;
  /** Expected output (APO labels, PMPO targets, SPO reference answers). */
  expected?: string;
  /** PMPO preference mode. */
  chosen?: string;
  rejected?: string;
  id?: string;
  /** A human's critique of an output for this input (shown to the optimizer beside the example). */
  feedback?: string;
  /** Source line (1-based) where the row came from, for diagnostics. */
  line?: number;
}

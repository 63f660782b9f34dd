/**
 * A TestRun that also keeps what it reported per item. VS Code shows the states in the Testing view and the gutter
 * but offers extensions no way to read them back (its results API is proposed-only), so callers and tests read this.
 */
import type * as vscode from 'vscode';

export type TestItemState = 'started' | 'passed' | 'failed' | 'errored';

export interface TestRunRecord {
  /** The latest state reported for each item id. */
  states: Map<string, TestItemState>;
  ended: boolean;
}

export class RecordedTestRun {
  readonly record: TestRunRecord = { states: new Map(), ended: false };

  constructor(private readonly run: vscode.TestRun) {}

  started(item: vscode.TestItem): void {
    this.run.started(item);
    this.record.states.set(item.id, 'started');
  }

  passed(item: vscode.TestItem, duration?: number): void {
    this.run.passed(item, duration);
    this.record.states.set(item.id, 'passed');
  }

  failed(item: vscode.TestItem, message: vscode.TestMessage, duration?: number): void {
    this.run.failed(item, message, duration);
    this.record.states.set(item.id, 'failed');
  }

  errored(item: vscode.TestItem, message: vscode.TestMessage): void {
    this.run.errored(item, message);
    this.record.states.set(item.id, 'errored');
  }

  appendOutput(output: string, item: vscode.TestItem): void {
    this.run.appendOutput(output, undefined, item);
  }

  end(): void {
    this.run.end();
    this.record.ended = true;
  }
}

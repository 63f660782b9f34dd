// The slice of the webview API (`acquireVsCodeApi()`) the panel uses; tests pass a recording fake.
import type { WebviewToHost } from '../src/protocol/messages';

export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

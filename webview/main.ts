/**
 * The results panel's entry (bundled to dist/webview/main.js): registers the vscode-elements it uses, then hands
 * the page to the controller. Kept tiny so the controller stays testable under jsdom without custom elements.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { createPanelApp } from './app';
import type { VsCodeApi } from './vscode-api';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app');
if (root) {
  const app = createPanelApp(root, acquireVsCodeApi(), { schedule: (cb) => requestAnimationFrame(cb) });
  window.addEventListener('message', (event: MessageEvent) => app.receive(event.data));
}

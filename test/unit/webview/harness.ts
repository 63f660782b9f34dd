// A jsdom page plus a fake `acquireVsCodeApi()` that records posted messages and keeps setState's value.
import { JSDOM } from 'jsdom';
import type { WebviewToHost } from '../../../src/protocol';
import { createPanelApp, type PanelApp } from '../../../webview/app';

export interface FakeApi {
  posted: WebviewToHost[];
  state: unknown;
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export function fakeApi(initialState?: unknown): FakeApi {
  return {
    posted: [],
    state: initialState,
    postMessage(message) {
      this.posted.push(JSON.parse(JSON.stringify(message)));
    },
    getState() {
      return this.state;
    },
    setState(state) {
      this.state = JSON.parse(JSON.stringify(state));
    },
  };
}

export interface Page {
  dom: JSDOM;
  doc: Document;
  root: HTMLElement;
  api: FakeApi;
  app: PanelApp;
  window: Window & typeof globalThis;
}

/** `dangerously` lets any <script> that the panel might create actually run, which the XSS tests want to catch. */
export function openPanel(initialState?: unknown, runScripts: 'outside-only' | 'dangerously' = 'outside-only'): Page {
  const dom = new JSDOM('<!doctype html><html><body><div id="app"></div></body></html>', { runScripts });
  const doc = dom.window.document;
  const root = doc.getElementById('app') as HTMLElement;
  const api = fakeApi(initialState);
  let clock = 0;
  const app = createPanelApp(root, api, { now: () => (clock += 5) });
  return { dom, doc, root, api, app, window: dom.window as unknown as Window & typeof globalThis };
}

export function click(page: Page, element: Element | null): void {
  if (!element) throw new Error('element not found');
  element.dispatchEvent(new page.dom.window.MouseEvent('click', { bubbles: true }));
}

export function key(page: Page, element: Element | null, keyName: string): void {
  if (!element) throw new Error('element not found');
  element.dispatchEvent(new page.dom.window.KeyboardEvent('keydown', { key: keyName, bubbles: true }));
}

export const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

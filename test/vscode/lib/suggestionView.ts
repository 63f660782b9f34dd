/**
 * What the UI tests read off the in-place suggestion: the prompt's editor (not the diff editor), its CodeLens, running
 * APO from the Explorer, and a DOM snapshot of the painted lines with the decorations on each and the horizontal
 * extent of the content (issue 14: a run-on decoration once grew it to 16,777,216 px and blanked the editor).
 */
import { clickDialogButton, pickContextMenu, quickPick, rightClickExplorerItem, explorerItem } from './fixture';
import type { Locator, Page } from './fixture';

/** The editor (not the diff editor) showing the prompt: the one with our CodeLens row. */
export function promptEditor(page: Page): Locator {
  return page
    .locator('.editor-instance .monaco-editor:not(.monaco-diff-editor .monaco-editor)')
    .filter({ has: page.locator('.codelens-decoration') })
    .first();
}

/** A CodeLens link of the prompt's editor. */
export function lens(page: Page, text: RegExp): Locator {
  return promptEditor(page).locator('.codelens-decoration a', { hasText: text }).first();
}

/** Opens `file`, runs Optimize Prompt… → APO on it from the Explorer and waits until "✓ Accept best" shows. */
export async function optimizeWithApo(page: Page, file: string, runStatus: Locator): Promise<void> {
  await explorerItem(page, file).dblclick();
  // Let the editor open and settle first: a right-click while it opens can lose the context menu.
  await page.locator('.editor-instance .view-lines').first().waitFor({ timeout: 20_000 });
  await page.waitForTimeout(1_000);
  await rightClickExplorerItem(page, file);
  await pickContextMenu(page, 'Optimize Prompt…');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: /est\./ }).first().waitFor({ timeout: 30_000 });
  await quickPick(page, 'APO');
  await clickDialogButton(page, 'Start Anyway');
  await runStatus.waitFor({ timeout: 200_000 });
  await lens(page, /^✓ Accept best/).waitFor({ timeout: 30_000 });
  // Let the decorations paint.
  await page.waitForTimeout(1_000);
}

export interface PaintedLine {
  /** Its line number in the file (0 if its number is not painted). */
  number: number;
  /** The line's own text as painted (all its wrapped rows), without inlay hints. */
  text: string;
  /** Text shown in the line that is not in the file: inlay hints and decoration `before` / `after` content. */
  injected: string[];
  /** Painted text with a line-through (removed words). */
  struck: string[];
}

export interface EditorSnapshot {
  lines: PaintedLine[];
  /** Width of the editor's scrollable area and of the content Monaco lays out in it (its scroll width), in px. */
  clientWidth: number;
  contentWidth: number;
  /** The horizontal scrollbar is shown and its slider is narrower than its track. */
  scrollsSideways: boolean;
  sliderLeft: number;
}

/** The visible painted lines of `editor` with their decorations, and how wide its content is. */
export function snapshotEditor(editor: Locator): Promise<EditorSnapshot> {
  // Only anonymous functions in here: tsx names named ones with a helper (`__name`) the page does not have.
  return editor.evaluate((el) => {
    const box = el.getBoundingClientRect();
    // Line numbers by painted row: a wrapped line's further rows have an empty number.
    const numbers = [...el.querySelectorAll<HTMLElement>('.margin-view-overlays .line-numbers')].map((n) => ({
      top: Math.round(n.getBoundingClientRect().top),
      number: Number((n.textContent ?? '').trim()) || 0,
    }));
    const rows = [...el.querySelectorAll<HTMLElement>('.view-lines .view-line')]
      .filter((row) => row.getBoundingClientRect().top >= box.top && row.getBoundingClientRect().top < box.bottom)
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((row) => {
        const top = Math.round(row.getBoundingClientRect().top);
        const spans = [...row.querySelectorAll('span span')];
        const isHint = spans.map((s) => /inlay|dyn-rule/.test(s.className));
        const pseudo = spans.flatMap((s) =>
          ['::before', '::after']
            .map((which) => getComputedStyle(s, which).content)
            .filter((c) => c && c !== 'none' && c !== 'normal')
            .map((c) => JSON.parse(c) as string),
        );
        return {
          number: numbers.filter((n) => n.number && n.top <= top + 1).sort((a, b) => b.top - a.top)[0]?.number ?? 0,
          text: spans
            .filter((_, i) => !isHint[i])
            .map((s) => s.textContent ?? '')
            .join('')
            .replace(/\u00a0/g, ' '),
          injected: [...spans.filter((_, i) => isHint[i]).map((s) => s.textContent ?? ''), ...pseudo]
            .map((t) => t.replace(/\u00a0/g, ' '))
            .filter((t) => t.trim()),
          struck: spans
            .filter((s) => getComputedStyle(s).textDecorationLine.includes('line-through'))
            .map((s) => (s.textContent ?? '').replace(/\u00a0/g, ' ')),
        };
      });
    // One entry per file line: its wrapped rows joined (a wrap keeps the space at the end of the row it leaves).
    const lines: { number: number; text: string; injected: string[]; struck: string[] }[] = [];
    for (const row of rows) {
      const last = lines[lines.length - 1];
      if (last && last.number === row.number) {
        last.text += row.text;
        last.injected.push(...row.injected);
        last.struck.push(...row.struck);
      } else lines.push({ ...row });
    }
    const scrollable = el.querySelector<HTMLElement>('.editor-scrollable');
    // `.view-lines` is as wide as Monaco's scroll width (`.lines-content` is a fixed huge layer).
    const content = el.querySelector<HTMLElement>('.view-lines');
    const bar = el.querySelector<HTMLElement>('.editor-scrollable > .scrollbar.horizontal');
    const slider = bar?.querySelector<HTMLElement>('.slider');
    const track = bar?.getBoundingClientRect().width ?? 0;
    const thumb = slider?.getBoundingClientRect().width ?? 0;
    return {
      lines,
      clientWidth: Math.round(scrollable?.getBoundingClientRect().width ?? 0),
      contentWidth: Math.round(parseFloat(content?.style.width ?? '0')),
      scrollsSideways: !!bar && !bar.classList.contains('invisible') && thumb > 0 && thumb < track - 1,
      sliderLeft: slider ? parseFloat(slider.style.left || '0') : 0,
    };
  });
}

/** Assertion text: the snapshot's lines, one per row, with what is injected and struck on each. */
export function describeLines(lines: PaintedLine[]): string {
  return lines
    .map(
      (l) =>
        `${l.number}: ${l.text}${l.injected.length ? `  [+ ${l.injected.join(' | ')}]` : ''}` +
        `${l.struck.length ? `  [- ${l.struck.join(' | ')}]` : ''}`,
    )
    .join('\n');
}

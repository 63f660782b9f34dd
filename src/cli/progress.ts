/** Progress on stderr: one rewritten line with a bar on a TTY, plain lines otherwise (CI logs stay readable). */
export interface Progress {
  update(done: number, total: number, label: string): void;
  line(text: string): void;
  finish(): void;
}

import { redactUrlSecrets } from '../core/redact-urls';

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const tty = Boolean(stream.isTTY);
  let lastPlain = '';
  let open = false;
  let lastDraw = 0;
  const clear = () => {
    if (open) stream.write('\r\x1b[2K');
    open = false;
  };
  return {
    update(done, total, rawLabel) {
      if (quiet) return;
      if (tty) {
        // Redraw at most every 50 ms: a 100,000-row eval must not write 100,000 bars.
        const now = Date.now();
        if (done !== total && now - lastDraw < 50) return;
        lastDraw = now;
        const label = redactUrlSecrets(rawLabel);
        const width = 24;
        const filled = total > 0 ? Math.round((done / total) * width) : 0;
        stream.write(`\r\x1b[2K[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} ${label}`);
        open = true;
      } else {
        // Plain mode: a line per 10% step (and the last), so logs stay short.
        const step = total > 0 ? Math.floor((done / total) * 10) : 0;
        const key = `${step}|${rawLabel}`;
        if (key !== lastPlain || done === total) stream.write(`${done}/${total} ${redactUrlSecrets(rawLabel)}\n`);
        lastPlain = key;
      }
    },
    line(text) {
      if (quiet) return;
      clear();
      stream.write(`${redactUrlSecrets(text)}\n`);
    },
    finish: clear,
  };
}

/** Quoting model output inside feedback: short, one line, so critiques stay readable. */
export function quote(text: string, max = 160): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const cut = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  return JSON.stringify(cut);
}

/**
 * `.whetstone/`, the per-workspace state folder (response cache, run logs), gets its own `.gitignore` when it is
 * created, by whoever creates it (the run store or the cache, so the CLI and the extension both do): nothing in it
 * is committed unless the user un-ignores what they choose to share. An existing `.gitignore` is never touched.
 */
import * as path from 'node:path';
import type { FileSystemPort } from './ports';

export const STATE_DIR_NAME = '.whetstone';

export const STATE_GITIGNORE = `# Created by Whetstone. This folder holds its response cache (cache/) and run logs (runs/), which stay out of git.
# To share something, un-ignore it below, e.g. run history:
#   !runs/
#   !runs/**
*
!.gitignore
`;

/** The `.whetstone` folder that holds `file`, if any. */
export function stateDirOf(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (path.basename(dir) === STATE_DIR_NAME) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Writes `.whetstone/.gitignore` if `file` lies in a `.whetstone` folder that has none. */
export async function ensureStateGitignore(
  fs: Pick<FileSystemPort, 'exists' | 'writeText'>,
  file: string,
): Promise<void> {
  const dir = stateDirOf(file);
  if (!dir) return;
  const ignore = path.join(dir, '.gitignore');
  if (await fs.exists(ignore)) return;
  await fs.writeText(ignore, STATE_GITIGNORE);
}

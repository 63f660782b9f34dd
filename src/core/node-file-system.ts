/** The FileSystemPort on Node's fs, used by the CLI and the extension host (both run on Node). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FileSystemPort } from './ports';

export const nodeFileSystem: FileSystemPort = {
  readText: (file) => fs.readFile(file, 'utf8'),
  async writeText(file, text) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  },
  async appendText(file, text) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.appendFile(file, text);
  },
  exists: (file) =>
    fs.access(file).then(
      () => true,
      () => false,
    ),
  list: (dir) => fs.readdir(dir).catch(() => []),
};

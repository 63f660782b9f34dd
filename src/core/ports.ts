/**
 * Node-only needs of core, behind small ports (DESIGN.md): the CLI and the extension host pass an implementation.
 * `nodeFileSystem` is the one both use today; tests may pass an in-memory one.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface FileSystemPort {
  readText(file: string): Promise<string>;
  writeText(file: string, text: string): Promise<void>;
  appendText(file: string, text: string): Promise<void>;
  exists(file: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
}

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
  exists: (file) => fs.access(file).then(() => true, () => false),
  list: (dir) => fs.readdir(dir).catch(() => []),
};

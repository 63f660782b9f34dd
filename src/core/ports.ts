/**
 * Node-only needs of core, behind small ports (DESIGN.md): the CLI and the extension host pass an implementation
 * (`nodeFileSystem` in node-file-system.ts today; tests may pass an in-memory one). Types only, so the protocol and
 * the webview can see core's job types without pulling in Node.
 */
export interface FileSystemPort {
  readText(file: string): Promise<string>;
  writeText(file: string, text: string): Promise<void>;
  appendText(file: string, text: string): Promise<void>;
  exists(file: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
}

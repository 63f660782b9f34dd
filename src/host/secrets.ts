/**
 * API keys in SecretStorage, one per endpoint ORIGIN (scheme://host:port). A key is only ever handed out for the
 * origin it was stored under, so a base URL from a prompt file or workspace cannot receive another origin's key.
 */
import * as vscode from 'vscode';

const SECRET_PREFIX = 'whetstone.apiKey:';

/** `https://api.openai.com/v1` → `https://api.openai.com`; undefined for `local:` and unparsable URLs. */
export function originOf(baseUrl: string): string | undefined {
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Loopback endpoints (Ollama, LM Studio, llama.cpp server, a test server) may run without a key. */
export function isLoopbackOrigin(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
}

export function secretKeyFor(origin: string): string {
  return SECRET_PREFIX + origin;
}

export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the origin whose key changed. */
  readonly onDidChange = this.changed.event;
  private readonly listener: vscode.Disposable;
  /** Keys read so far, for log redaction only. */
  readonly knownSecrets = new Set<string>();

  constructor(private readonly storage: vscode.SecretStorage) {
    this.listener = storage.onDidChange((e) => {
      if (e.key.startsWith(SECRET_PREFIX)) this.changed.fire(e.key.slice(SECRET_PREFIX.length));
    });
  }

  async get(baseUrl: string): Promise<string | undefined> {
    const origin = originOf(baseUrl);
    if (!origin) return undefined;
    const key = await this.storage.get(secretKeyFor(origin));
    if (key) this.knownSecrets.add(key);
    return key || undefined;
  }

  async set(baseUrl: string, key: string): Promise<string> {
    const origin = originOf(baseUrl);
    if (!origin) throw new Error(`not an http(s) endpoint: ${baseUrl}`);
    this.knownSecrets.add(key);
    await this.storage.store(secretKeyFor(origin), key);
    return origin;
  }

  async delete(baseUrl: string): Promise<void> {
    const origin = originOf(baseUrl);
    if (origin) await this.storage.delete(secretKeyFor(origin));
  }

  /**
   * Resolves the keys for the given base URLs up front and returns the synchronous lookup the LLM layer calls per
   * request (`apiKeyFor(baseUrl)`): it answers by origin only, so an unknown origin gets no key at all.
   */
  async resolverFor(baseUrls: Iterable<string>): Promise<(baseUrl: string) => string | undefined> {
    const byOrigin = new Map<string, string>();
    for (const url of baseUrls) {
      const origin = originOf(url);
      if (!origin || byOrigin.has(origin)) continue;
      const key = await this.get(url);
      if (key) byOrigin.set(origin, key);
    }
    return (baseUrl) => {
      const origin = originOf(baseUrl);
      return origin ? byOrigin.get(origin) : undefined;
    };
  }

  dispose(): void {
    this.listener.dispose();
    this.changed.dispose();
  }
}

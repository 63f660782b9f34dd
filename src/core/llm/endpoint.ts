/** How an endpoint is named in errors, logs and cache keys: origin + path, never credentials, query or key. */

/** `https://user:pw@host:8443/v1/?x=1` → `https://host:8443/v1`. Unparseable input is returned trimmed of slashes. */
export function endpointLabel(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}

/** The origin keys are bound to; undefined for an unparseable URL. */
export function originOf(baseUrl: string): string | undefined {
  try {
    const url = new URL(baseUrl);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** Removes a secret from text that may be logged or shown (a server may echo the key back in an error). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}

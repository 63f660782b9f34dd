/**
 * The one redaction for URLs in any text that leaves memory (messages, logs, run files, errors, progress lines):
 * credentials in the authority (`https://user:pw@host`) and the values of query parameters named like secrets
 * (`?api-key=…`, `&token=…`, `sig=…`) become `***`. Pure string surgery: the rest of the text is left byte for byte.
 */

/** Query parameter names whose values are secrets (Azure `api-key`, SAS `sig`, `access_token`, `password` …). */
const SECRET_PARAM = /(?:key|token|secret|sig|signature|password|passwd|pwd|auth|credential|session)/i;

// A URL runs up to whitespace, a quote, a bracket or a backslash (so URLs inside JSON strings stop at the quote).
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`\\]+/gi;

export function redactUrlSecrets(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, redactUrl);
}

/** One URL: userinfo → `***@`, secret-named query values → `***` (also percent-encoded names like `api%2Dkey`). */
export function redactUrl(url: string): string {
  const withoutUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1***@');
  const q = withoutUser.search(/[?#]/);
  if (q === -1) return withoutUser;
  return (
    withoutUser.slice(0, q) +
    withoutUser
      .slice(q)
      .replace(/([?&;#])([^=&;#]*)=([^&;#]*)/g, (whole, sep: string, name: string) =>
        SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=***` : whole,
      )
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

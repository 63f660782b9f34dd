/**
 * Whether a run's error means the endpoint refused (or wanted) an API key: 401/403, or the provider's own words for it.
 * Shared by the host's failure notification and the panel's failure banner, so both offer Set API Key alike.
 */
export function keyRefused(error: string | undefined): boolean {
  return !!error && /\b(HTTP )?40[13]\b|unauthori[sz]ed|invalid api key/i.test(error);
}

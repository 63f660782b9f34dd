/**
 * The offline simulated endpoint, for trying Whetstone without a key (the CLI's `--base-url sim`): the setting
 * `whetstone.endpoint.baseUrl` = `sim` starts the bundled simulator (src/sim) once per session, on a loopback port,
 * and every job and test run on it is labelled SIMULATED. Its answers come from a simulated review-sentiment task,
 * not a model.
 */
import type { HostSettings } from '../config';
import type { Logger } from '../logger';

export const SIMULATED_BASE_URL = 'sim';
/** The model id the simulator lists; roles with no model set use it. */
export const SIMULATED_MODEL = 'sim-model';

let shared: Promise<{ url: string; close(): Promise<void> }> | undefined;
const urls = new Set<string>();

export function isSimulatedSetting(baseUrl: string): boolean {
  return baseUrl.trim().toLowerCase() === SIMULATED_BASE_URL;
}

/** Whether a base URL is this session's simulator. */
export function isSimulatedUrl(baseUrl: string | undefined): boolean {
  return !!baseUrl && urls.has(baseUrl);
}

/** The settings a job uses: with `sim`, the simulator's URL in place of the word, and `simulated` set. */
export async function resolveEndpointSettings(
  settings: HostSettings,
  log: Logger,
): Promise<HostSettings & { simulated: boolean }> {
  if (!isSimulatedSetting(settings.baseUrl)) return { ...settings, simulated: false };
  if (!shared) {
    shared = import('../../sim/endpoint').then(({ startSimulatedEndpoint }) => startSimulatedEndpoint());
    shared.then(
      (sim) => {
        urls.add(sim.url);
        log.info(`started the offline SIMULATED endpoint at ${sim.url}: results are simulated, not from a model`);
      },
      () => (shared = undefined),
    );
  }
  const sim = await shared;
  urls.add(sim.url);
  const models = { ...settings.models };
  for (const role of Object.keys(models) as (keyof typeof models)[]) models[role] ||= SIMULATED_MODEL;
  return { ...settings, baseUrl: sim.url, models, simulated: true };
}

/** Stops the simulator (deactivation). */
export async function stopSimulatedEndpoint(): Promise<void> {
  const sim = shared;
  shared = undefined;
  if (sim) await (await sim.catch(() => undefined))?.close();
}

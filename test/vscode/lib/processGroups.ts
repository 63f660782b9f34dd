/**
 * Starts servers detached in their own process group and ends every group on stop, failure, SIGINT or exit:
 * killing only code-server's main pid would orphan its extension host. The live group ids are also kept in the file
 * named by WHETSTONE_E2E_PGID_FILE so a parent runner can end them if this process dies abruptly (a stopped group is
 * removed from it at once, so the parent never signals a reused id).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';

const liveGroups = new Set<number>();
let handlersInstalled = false;

export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  installExitHandlers();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pgid = child.pid;
  liveGroups.add(pgid);
  publishLiveGroups();
  return child;
}

function publishLiveGroups(): void {
  const pgidFile = process.env.WHETSTONE_E2E_PGID_FILE;
  if (pgidFile) fs.writeFileSync(pgidFile, [...liveGroups].map((pgid) => `${pgid}\n`).join(''));
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/** SIGTERM the group, then SIGKILL whatever is left after graceMs. */
export async function stopGroup(pgid: number, graceMs = 3000): Promise<void> {
  if (signalGroup(pgid, 'SIGTERM')) {
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupAlive(pgid)) await new Promise((r) => setTimeout(r, 50));
    signalGroup(pgid, 'SIGKILL');
  }
  liveGroups.delete(pgid);
  publishLiveGroups();
}

/** Synchronous last resort (usable from an 'exit' handler). */
export function killAllGroupsNow(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
  publishLiveGroups();
}

/** Kills the groups a child runner still lists as live (it could not stop them itself). */
export function killGroupsListedIn(file: string): void {
  if (!fs.existsSync(file)) return;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const pgid = Number(line.trim());
    if (Number.isInteger(pgid) && pgid > 1) signalGroup(pgid, 'SIGKILL');
  }
}

export function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllGroupsNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAllGroupsNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

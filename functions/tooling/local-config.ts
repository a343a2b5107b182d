import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TableDefinition } from '../definitions/tables.js';

/**
 * What a running local system tells other tools (`switchboard send`, `switchboard history`, tests)
 * about itself, written to `.switchboard/local.json` while it runs and removed when it stops.
 */
export interface LocalConfig {
  formatVersion: 1;
  /** The process that owns every emulator below; a stale file names a process that is gone. */
  pid: number;
  startedAt: string;
  region: string;
  /** Fixed credentials the emulators accept; never real ones. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: {
    dynamodb: string;
    sqs: string;
    sesv2: string;
    /** One sandbox answers both Pinpoint `SendMessages` and SNS `Publish`. */
    pinpoint: string;
    sns: string;
    /** Control API of the provider sandbox: recorded messages and injected faults. */
    sandboxControl: string;
  };
  tables: Record<TableDefinition['logicalName'], string>;
  queues: { requests: { url: string; arn: string }; deadLetter: { url: string; arn: string } };
  pushApplicationId: string;
  outbox: { url: string; templatesUrl: string; apiUrl: string };
}

/** `.switchboard/local.json` under the repository root (the working directory of `npm start`). */
export function localConfigPath(root: string = process.cwd()): string {
  return join(root, '.switchboard', 'local.json');
}

export async function writeLocalConfig(config: LocalConfig, path: string = localConfigPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Written whole and renamed, so a reader never sees half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, 'utf8');
  await rename(temporary, path);
}

/** Removes the file only if it still describes this process: a second system may have replaced it. */
export async function removeLocalConfig(path: string = localConfigPath(), pid: number = process.pid): Promise<void> {
  const current = await readLocalConfig(path).catch(() => undefined);
  if (current?.pid === pid) await rm(path, { force: true });
}

/** The running system's settings; fails with a hint when none is running. */
export async function readLocalConfig(path: string = localConfigPath()): Promise<LocalConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`no local system found (${path} is missing): start one with \`npm start\``);
  }
  const config = JSON.parse(text) as LocalConfig;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the file may come from another version of local mode.
  if (config.formatVersion !== 1) throw new Error(`${path} has an unknown format`);
  if (!isAlive(config.pid)) throw new Error(`${path} is stale: process ${config.pid} is no longer running; start one with \`npm start\``);
  return config;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

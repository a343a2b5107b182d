import { readFile } from 'node:fs/promises';
import { findJsonSyntaxError } from './json-syntax.js';

/** `-` stands for standard input wherever a command takes a FILE. */
export const STDIN = '-';

/** A command's input that cannot be used; the message names the file and what is wrong with it. */
export class InputError extends Error {}

/** How a file is named in a message. */
export function inputName(file: string): string {
  return file === STDIN ? 'standard input' : file;
}

/** The file's text, or standard input's for `-`; a file that cannot be read is an InputError naming it. */
export async function readInput(file: string, stdin: () => Promise<string> = readStdin): Promise<string> {
  if (file === STDIN) return stdin();
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${whyUnreadable(error)}`);
  }
}

/** JSON text parsed; broken JSON is an InputError naming the file, the line and the column. */
export function parseJsonInput(text: string, file: string): unknown {
  // A byte order mark is how some editors start a UTF-8 file; it is not part of the JSON.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    const at = findJsonSyntaxError(json);
    throw new InputError(`${inputName(file)} is not valid JSON${at ? `: line ${at.line}, column ${at.column}: ${at.message}` : ''}`);
  }
}

export async function readJsonInput(file: string, stdin?: () => Promise<string>): Promise<unknown> {
  return parseJsonInput(await readInput(file, stdin), file);
}

/** By the error's code, which names the cause in every locale and Node version. */
export function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    default:
      return code ?? 'unreadable';
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

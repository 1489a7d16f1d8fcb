/**
 * The files the CLI reads and writes for the operator: an input file or standard input (`-`), an
 * output path whose directory must exist, and a file only its owner can read. A file system error
 * becomes one line naming the path and what is wrong, never the bare errno text.
 */
import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CliIo } from './options';
import { CliError } from './target';

/** What a file system error code means, in words. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
};

/** The reader of standard output went away (a closed pipe) before everything was written. */
export class OutputClosedError extends CliError {
  constructor() {
    super('standard output was closed before everything was written');
  }
}

function reasonOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (REASONS[code] ?? null) : null;
}

/** Rethrows a file system error as one line about `path`; other errors unchanged. */
export function fileError(error: unknown, verb: 'read' | 'write', path: string): Error {
  const reason = reasonOf(error);
  if (reason === null) return error instanceof Error ? error : new Error(String(error));
  return new CliError(`cannot ${verb} ${path}: ${reason}`);
}

/** The whole text of `file`, or of standard input when it is `-`. */
export async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === '-') {
    if (!io.readInput) throw new CliError('this command cannot read standard input here');
    return io.readInput();
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(error, 'read', file);
  }
}

/**
 * Refuses an output path whose directory does not exist (or is no directory) before any work is
 * done: a typo in `--out` then costs nothing, and no directory is created where none was meant.
 */
export async function checkOutputDir(path: string): Promise<void> {
  const dir = dirname(path);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') {
      throw new CliError(`the directory ${dir} does not exist (create it first)`);
    }
    throw fileError(error, 'write', dir);
  }
  if (!isDirectory) throw new CliError(`${dir} is not a directory`);
}

/**
 * Opens `path` for writing, readable and writable by its owner only (0600): a backup holds every
 * board in full. The mode given to open is masked by the umask and ignored for an existing file,
 * hence the chmod.
 */
export async function openPrivate(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'w', 0o600);
  } catch (error) {
    throw fileError(error, 'write', path);
  }
  try {
    await handle.chmod(0o600);
  } catch (error) {
    await handle.close();
    throw fileError(error, 'write', path);
  }
  return handle;
}

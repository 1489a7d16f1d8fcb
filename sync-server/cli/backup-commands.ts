/**
 * `backup`, `restore` and `verify`: every room of the store to one file and back, and the check of a
 * store or a file (S10).
 */
import { readFile, rename, rm } from 'node:fs/promises';
import { CheckError, checkFileRooms, problemsOf, type RoomCheck } from '../admin/check';
import { parseBackup } from '../admin/formats';
import { checkOutputDir, fileError, openPrivate, readInput } from './files';
import { type CliIo, formatTable, parse, UsageError, using, type Values } from './options';
import { CliError, LocalTarget } from './target';

export async function runBackup(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { stdout: { type: 'boolean' } });
  const file = positionals[0];
  if (values.stdout === true) {
    if (file !== undefined) throw new UsageError('give a file or --stdout, not both');
    const write = io.write ?? (async (text: string) => io.out(text));
    // Kept to be checked once complete, as a file is read back: the reader gets every byte sent,
    // and a cut or altered stream still fails the command.
    let copy = '';
    const { rooms, from } = await dumpAll(values, io, async (line) => {
      copy += line;
      await write(line);
    });
    checkCopy(copy, 'the backup');
    io.err(`backup of ${from}: ${rooms} rooms written to standard output\n`);
    return 0;
  }
  if (file === undefined) throw new UsageError('give the backup file to write, or --stdout');
  await checkOutputDir(file);
  // Written under another name and renamed once checked, so `file` is never half a backup; on any
  // failure the partial copy is removed, so nothing half-written is left to be mistaken for one.
  const partial = `${file}.partial`;
  try {
    const handle = await openPrivate(partial);
    let result: { rooms: number; from: string };
    try {
      result = await dumpAll(values, io, async (line) => {
        try {
          await handle.write(line);
        } catch (error) {
          throw fileError(error, 'write', partial);
        }
      });
      await handle.sync();
    } finally {
      await handle.close();
    }
    checkCopy(await readFile(partial, 'utf8'), `the copy in ${file}`);
    await rename(partial, file);
    io.err(`backup of ${result.from}: ${result.rooms} rooms written to ${file}\n`);
    return 0;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Every room, in backup format, line by line; and where it came from. */
function dumpAll(
  values: Values,
  io: CliIo,
  write: (line: string) => Promise<void>,
): Promise<{ rooms: number; from: string }> {
  return using(values, io, async (t) => ({ rooms: await t.dump({ all: true }, write), from: t.description }));
}

/**
 * Checks a written backup end to end: a cut stream has no end line, and every room's bytes must
 * still match the checksum the server computed.
 */
function checkCopy(text: string, what: string): void {
  const altered = parseBackup(text).filter((r) => r.checksum === 'mismatch');
  if (altered.length > 0) {
    throw new CliError(
      `${what}: ${altered.map((r) => r.room).join(', ')} arrived altered; nothing kept, try again`,
    );
  }
}

export async function runRestore(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { force: { type: 'boolean' } });
  const file = positionals[0];
  if (file === undefined) throw new UsageError('give the backup file to restore, or - for standard input');
  const rooms = parseBackup(await readInput(file, io));
  // Everything is checked before the data directory is even opened: one bad room, nothing written.
  const problems = problemsOf(checkFileRooms(rooms));
  if (problems.length > 0) throw new CheckError(problems, 'restore');
  await using(
    values,
    io,
    async (t) => {
      if (!(t instanceof LocalTarget)) throw new CliError('restore works on the data directory only');
      const existing = await t.store.list();
      if (existing.length > 0 && !values.force) {
        throw new CliError(
          `${t.description} already holds ${existing.length} rooms: restore into an empty directory, or add --force to replace the rooms in the backup (others stay)`,
        );
      }
      for (const { room, state } of rooms) await t.store.replace(room, state);
    },
    { localOnly: true, create: true },
  );
  const unchecked = rooms.length > 0 && rooms.every((r) => r.checksum === 'absent');
  io.err(
    `restored ${rooms.length} rooms${unchecked ? ' (a backup without checksums: every room was decoded instead)' : ''}\n`,
  );
  return 0;
}

export async function runVerify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  const file = positionals[0];
  let checks: RoomCheck[];
  let where: string;
  if (file !== undefined) {
    const rooms = parseBackup(await readInput(file, io));
    checks = checkFileRooms(rooms);
    const unchecked = rooms.length > 0 && rooms.every((r) => r.checksum === 'absent');
    where = `the backup ${file === '-' ? 'on standard input' : file}${unchecked ? ' (no checksums: written before they were added)' : ''}`;
  } else {
    [checks, where] = await using(values, io, async (t) => [await t.verify(), t.description] as const);
  }
  if (values.json) io.out(`${JSON.stringify(checks, null, 2)}\n`);
  else {
    const rows = checks.map((c) => [
      c.room,
      c.status,
      String(c.bytes),
      String(c.entries ?? '-'),
      c.detail ?? '',
    ]);
    io.out(formatTable(['ROOM', 'STATUS', 'BYTES', 'UPDATES', 'DETAIL'], rows));
  }
  const problems = problemsOf(checks).length;
  io.err(`${where}: ${checks.length} rooms, ${problems === 0 ? 'all ok' : `${problems} not ok`}\n`);
  return problems === 0 ? 0 : 1;
}

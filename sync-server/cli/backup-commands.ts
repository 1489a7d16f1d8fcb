/**
 * `backup`, `restore` and `verify`: every room of the store to one file and back, and the check of a
 * store or a file (S10).
 */
import { open, readFile, rename } from 'node:fs/promises';
import { CheckError, checkFileRooms, problemsOf, type RoomCheck } from '../admin/check';
import { parseBackup } from '../admin/formats';
import { type CliIo, formatTable, parse, UsageError, using } from './options';
import { CliError, LocalTarget } from './target';

export async function runBackup(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  const file = positionals[0];
  if (file === undefined) throw new UsageError('give the backup file to write');
  const partial = `${file}.partial`;
  const handle = await open(partial, 'w');
  let rooms: number;
  try {
    rooms = await using(values, io, async (t) => {
      const n = await t.dump({ all: true }, async (line) => {
        await handle.write(line);
      });
      io.err(`backup of ${t.description}: `);
      return n;
    });
    await handle.sync();
  } finally {
    await handle.close();
  }
  // Check the copy end to end before it takes the final name: a cut stream has no end line, and
  // every room's bytes must still match the checksum the server computed.
  const altered = parseBackup(await readFile(partial, 'utf8')).filter((r) => r.checksum === 'mismatch');
  if (altered.length > 0) {
    throw new CliError(
      `the copy of ${altered.map((r) => r.room).join(', ')} arrived altered; ${partial} kept`,
    );
  }
  await rename(partial, file);
  io.err(`${rooms} rooms written to ${file}\n`);
  return 0;
}

export async function runRestore(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { force: { type: 'boolean' } });
  const file = positionals[0];
  if (file === undefined) throw new UsageError('give the backup file to restore');
  const rooms = parseBackup(await readFile(file, 'utf8'));
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
    const rooms = parseBackup(await readFile(file, 'utf8'));
    checks = checkFileRooms(rooms);
    const unchecked = rooms.length > 0 && rooms.every((r) => r.checksum === 'absent');
    where = `the backup ${file}${unchecked ? ' (no checksums: written before they were added)' : ''}`;
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

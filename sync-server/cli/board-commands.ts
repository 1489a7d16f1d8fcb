/** `inspect`, `export` and `import`: one room or one board, readable or as a file. */
import { writeFile } from 'node:fs/promises';
import { isValidId, isValidRoomName } from '../../shared/room-names';
import {
  CheckError,
  checkFileRooms,
  checkState,
  describeProblems,
  problemsOf,
  RoomStatus,
} from '../admin/check';
import { buildExport, docOf, FormatError, inspectDoc, parseBackup, parseExport } from '../admin/formats';
import type { RoomDump } from '../admin/ops';
import { checkOutputDir, fileError, readInput } from './files';
import { type CliIo, parse, str, UsageError, using } from './options';
import { CliError, type Target } from './target';

async function collect(t: Target, selection: Parameters<Target['dump']>[0]): Promise<RoomDump[]> {
  let text = '';
  await t.dump(selection, async (line) => {
    text += line;
  });
  return dumpsOfBackup(text);
}

/** The rooms of a backup's text as dumps (their entry counts and times are not in the text). */
export function dumpsOfBackup(text: string): RoomDump[] {
  return parseBackup(text).map(({ room, state }) => ({
    room,
    state,
    entries: 0,
    bytes: state.byteLength,
    updatedAt: 0,
  }));
}

/** Every room that Yjs cannot build into a complete document, checked before one is read (S7). */
function damaged(dumps: readonly RoomDump[]) {
  return problemsOf(
    dumps.map(({ room, state }) => ({ room, bytes: state.byteLength, ...checkState(state) })),
  );
}

export async function runInspect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  const room = positionals[0];
  if (room === undefined || !isValidRoomName(room)) throw new UsageError('give a room name, e.g. board.<id>');
  const [dump] = await using(values, io, async (t) => {
    const found = await collect(t, { room });
    if (found.length === 0) throw new CliError(`${t.description} holds no room ${room}`);
    return found;
  });
  const [problem] = damaged([dump!]);
  // A document with pending structs still shows what it holds; one that does not decode cannot.
  if (problem?.status === RoomStatus.undecodable) {
    throw new CliError(`cannot show ${describeProblems([problem])}; restore it from a backup`);
  }
  if (problem) io.err(`warning: ${describeProblems([problem])}\n`);
  io.out(`${JSON.stringify(inspectDoc(room, docOf(dump!.state)), null, 2)}\n`);
  return 0;
}

export async function runExport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' } });
  const board = positionals[0];
  if (board === undefined || !isValidId(board)) throw new UsageError('give a board id');
  const base = (str(values, 'out') ?? `${board}-export`).replace(/\.(json|md)$/, '');
  await checkOutputDir(base);
  const dumps = await using(values, io, (t) => collect(t, { board }));
  if (dumps.length === 0) throw new CliError(`board ${board} has nothing stored`);
  await writeExport(board, dumps, base, io);
  io.err(`exported ${dumps.length} rooms of board ${board}\n`);
  return 0;
}

/**
 * Writes `<base>.json` and `<base>.md` for the board's rooms and prints their paths; refuses
 * (writing nothing) when a room does not build into a complete document (S7).
 */
export async function writeExport(board: string, dumps: RoomDump[], base: string, io: CliIo): Promise<void> {
  const problems = damaged(dumps);
  if (problems.length > 0) throw new CheckError(problems, 'export');
  const { json, markdown } = buildExport(board, dumps, new Date());
  for (const [path, text] of [
    [`${base}.json`, `${JSON.stringify(json, null, 2)}\n`],
    [`${base}.md`, markdown],
  ] as const) {
    try {
      await writeFile(path, text);
    } catch (error) {
      throw fileError(error, 'write', path);
    }
  }
  io.out(`${base}.json\n${base}.md\n`);
}

export async function runImport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { board: { type: 'string' } });
  const file = positionals[0];
  if (file === undefined) throw new UsageError('give the exported JSON file, or - for standard input');
  const { board, rooms } = parseExport(await readInput(file, io));
  if (!isValidId(board))
    throw new FormatError(`the export names an invalid board id ${JSON.stringify(board)}`);
  const expected = str(values, 'board');
  if (expected !== undefined && expected !== board) {
    throw new CliError(`the file exports board ${board}, not ${expected}`);
  }
  // Checked here, where the file's checksums are, and again where the rooms are written (a running
  // server checks whatever it is sent).
  const problems = problemsOf(checkFileRooms(rooms, board));
  if (problems.length > 0) throw new CheckError(problems, 'import');
  const imported = await using(values, io, (t) => t.importRooms(board, rooms), { create: true });
  io.err(`imported board ${board}: ${imported.length} rooms\n`);
  return 0;
}

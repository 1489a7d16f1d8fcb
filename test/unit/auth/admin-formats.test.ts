import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, initBoard, readBoard, renameColumn } from '../../../shared/board';
import { descriptionToMarkdown } from '../../../sync-server/admin/description-markdown';
import {
  backupEndLine,
  backupHeaderLine,
  backupRoomLine,
  buildExport,
  FormatError,
  inspectDoc,
  parseBackup,
} from '../../../sync-server/admin/formats';

/** Appends a Lexical-shaped block (as @lexical/yjs stores it) to `parent`. */
function block(parent: Y.XmlText, attrs: Record<string, unknown>, runs: Array<[string, number] | Y.XmlText>) {
  const node = new Y.XmlText();
  parent.insertEmbed(parent.length, node);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value as string);
  for (const run of runs) {
    if (run instanceof Y.XmlText) {
      node.insertEmbed(node.length, run);
      continue;
    }
    const props = new Y.Map();
    node.insertEmbed(node.length, props);
    props.set('__type', 'text');
    props.set('__format', run[1]);
    node.insert(node.length, run[0]);
  }
  return node;
}

describe('descriptions as Markdown', () => {
  it('renders headings, formatting, links, check and numbered lists', () => {
    const doc = new Y.Doc();
    const root = doc.get('root', Y.XmlText);
    block(root, { __type: 'heading', __tag: 'h1' }, [['Plan', 0]]);
    const paragraph = block(root, { __type: 'paragraph' }, [
      ['plain ', 0],
      ['bold', 1],
      [' ', 0],
      ['code', 16],
    ]);
    const link = new Y.XmlText();
    paragraph.insertEmbed(paragraph.length, link);
    link.setAttribute('__type', 'link');
    link.setAttribute('__url', 'https://example.org');
    const props = new Y.Map();
    link.insertEmbed(0, props);
    props.set('__format', 0);
    link.insert(1, 'site');
    const checks = block(root, { __type: 'list', __listType: 'check' }, []);
    block(checks, { __type: 'listitem', __checked: true }, [['done', 0]]);
    block(checks, { __type: 'listitem', __checked: false }, [['todo', 0]]);
    const numbered = block(root, { __type: 'list', __listType: 'number', __start: 1 }, []);
    block(numbered, { __type: 'listitem' }, [['one', 0]]);
    block(numbered, { __type: 'listitem' }, [['two', 0]]);
    expect(descriptionToMarkdown(doc)).toBe(
      [
        '# Plan',
        'plain **bold** `code`[site](https://example.org)',
        '- [x] done\n- [ ] todo',
        '1. one\n2. two',
      ].join('\n\n'),
    );
    expect(inspectDoc('board.b.card.c', doc)).toEqual({
      room: 'board.b.card.c',
      kind: 'description',
      markdown: descriptionToMarkdown(doc),
    });
  });

  it('an empty description is empty', () => {
    expect(descriptionToMarkdown(new Y.Doc())).toBe('');
  });
});

describe('a board exported as Markdown', () => {
  it('is a faithful outline: titles are escaped, description headings sit below their card', () => {
    const board = new Y.Doc();
    initBoard(board, { title: 'Ops #1', createdBy: 'm1' });
    const column = readBoard(board).columns[0]!;
    renameColumn(board, column.id, 'To_do [soon]');
    const cardId = addCard(board, { columnId: column.id, title: 'Set up *backups*', createdBy: 'm1' });
    const description = new Y.Doc();
    const root = description.get('root', Y.XmlText);
    block(root, { __type: 'heading', __tag: 'h1' }, [['Plan', 0]]);
    block(root, { __type: 'heading', __tag: 'h3' }, [['Detail', 0]]);
    block(root, { __type: 'paragraph' }, [
      ['2 * 3 = 6, not ', 0],
      ['bold', 1],
    ]);
    const dump = (room: string, doc: Y.Doc) => {
      const state = Y.encodeStateAsUpdate(doc);
      return { room, state, entries: 1, bytes: state.byteLength, updatedAt: 0 };
    };
    const { markdown } = buildExport(
      'b1',
      [dump('board.b1', board), dump(`board.b1.card.${cardId}`, description)],
      new Date(0),
    );
    const lines = markdown.split('\n');
    expect(lines).toContain('# Ops #1');
    expect(lines).toContain('## To\\_do \\[soon\\]');
    expect(lines).toContain('### Set up \\*backups\\*');
    // h1 → h4 under the card's h3; a deeper heading stops at h6.
    expect(lines).toContain('#### Plan');
    expect(lines).toContain('###### Detail');
    expect(lines).toContain('2 \\* 3 = 6, not **bold**');
  });
});

describe('backup format', () => {
  const state = Y.encodeStateAsUpdate(new Y.Doc());
  const room = { room: 'board.a', state, entries: 1, bytes: state.byteLength, updatedAt: 1 };

  it('round-trips, with a checksum per room', () => {
    const text = backupHeaderLine(new Date(0)) + backupRoomLine(room) + backupEndLine(1);
    expect(parseBackup(text)).toEqual([{ room: 'board.a', state, checksum: 'verified' }]);
  });

  it('[S10] reports a room whose bytes no longer match their checksum; reads backups written before checksums', () => {
    const line = JSON.parse(backupRoomLine(room)) as { state: string };
    const altered = `${JSON.stringify({ ...line, state: Buffer.from([0, 1]).toString('base64') })}\n`;
    expect(parseBackup(backupHeaderLine(new Date(0)) + altered + backupEndLine(1))).toMatchObject([
      { room: 'board.a', checksum: 'mismatch' },
    ]);
    const unsigned = `${JSON.stringify({ room: 'board.a', state: Buffer.from(state).toString('base64') })}\n`;
    const versionOne = `${JSON.stringify({ format: 'trellis-backup', version: 1, createdAt: 'x' })}\n`;
    expect(parseBackup(versionOne + unsigned + backupEndLine(1))).toEqual([
      { room: 'board.a', state, checksum: 'absent' },
    ]);
    // A current backup must carry them.
    expect(() => parseBackup(backupHeaderLine(new Date(0)) + unsigned + backupEndLine(1))).toThrow(/sha256/);
  });

  it('refuses foreign, truncated and miscounted files', () => {
    expect(() => parseBackup('{"hello":1}\n')).toThrow(FormatError);
    expect(() => parseBackup(backupHeaderLine(new Date(0)) + backupRoomLine(room))).toThrow(/truncated/);
    expect(() =>
      parseBackup(backupHeaderLine(new Date(0)) + backupRoomLine(room) + backupEndLine(2)),
    ).toThrow(/damaged/);
    expect(() => parseBackup(`${backupHeaderLine(new Date(0))}not json\n${backupEndLine(1)}`)).toThrow(
      /not JSON/,
    );
  });
});

describe('inspect of rooms outside the board scheme', () => {
  it('shows their root types as JSON', () => {
    const source = new Y.Doc();
    source.getMap('settings').set('theme', 'dark');
    source.getText('notes').insert(0, 'hello');
    source.getArray('list').push([1, 2]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
    expect(inspectDoc('lobby', doc)).toEqual({
      room: 'lobby',
      kind: 'other',
      roots: { settings: { theme: 'dark' }, notes: 'hello', list: [1, 2] },
    });
  });
});

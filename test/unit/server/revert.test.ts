/**
 * The change that takes a document's present content back to a backup's (S12.1): a forward change
 * that only adds to the history, checked here on board documents, Lexical-shaped descriptions and
 * random edits of every shared type.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addCard,
  addLabel,
  deleteCard,
  deleteColumn,
  initBoard,
  moveCard,
  readBoard,
  renameBoard,
  updateCard,
} from '../../../shared/board';
import { documentContent, RevertError, revertChange } from '../../../sync-server/admin/revert';

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

function docFrom(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

/** Every clock of `before` is covered by `after`: nothing was taken out of the history. */
function historyKept(before: Y.Doc, after: Y.Doc): boolean {
  const later = Y.decodeStateVector(Y.encodeStateVector(after));
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(before))) {
    if ((later.get(client) ?? 0) < clock) return false;
  }
  return true;
}

/** A description as @lexical/yjs stores it: element nodes are XmlTexts, text nodes a Map then a string. */
function writeDescription(doc: Y.Doc, words: string): void {
  const root = doc.get('root', Y.XmlText);
  const heading = new Y.XmlText();
  const paragraph = new Y.XmlText();
  root.insertEmbed(root.length, heading);
  root.insertEmbed(root.length, paragraph);
  heading.setAttribute('__type', 'heading');
  heading.setAttribute('__tag', 'h2');
  const plain = new Y.Map();
  heading.insertEmbed(0, plain);
  plain.set('__type', 'text');
  plain.set('__format', 0);
  heading.insert(1, 'Steps');
  paragraph.setAttribute('__type', 'paragraph');
  const bold = new Y.Map();
  paragraph.insertEmbed(0, bold);
  bold.set('__type', 'text');
  bold.set('__format', 1);
  paragraph.insert(1, words, { bold: true });
}

describe('revertChange', () => {
  it('[S12.1] takes a board back to the backup by a change that only adds to its history', () => {
    const present = new Y.Doc();
    initBoard(present, { title: 'Launch', createdBy: 'm1' });
    const [todo, doing] = readBoard(present).columns;
    const keep = addCard(present, { columnId: todo!.id, title: 'Keep me', createdBy: 'm1' });
    const moved = addCard(present, { columnId: todo!.id, title: 'Move me', createdBy: 'm1' });
    const backup = Y.encodeStateAsUpdate(present);
    const expected = readBoard(docFrom(backup));

    renameBoard(present, 'Renamed');
    updateCard(present, keep, { title: 'Changed title', due: '2030-01-01' });
    moveCard(present, moved, { columnId: doing!.id, index: 0 });
    addCard(present, { columnId: todo!.id, title: 'Added later', createdBy: 'm2' });
    addLabel(present, { name: 'urgent', color: '#cc0000' });
    deleteCard(present, keep);
    deleteColumn(present, todo!.id);
    const peer = copyOf(present);
    const before = copyOf(present);

    const change = revertChange(present, backup);
    expect(change).not.toBeNull();
    Y.applyUpdate(present, change!);
    expect(readBoard(present)).toEqual(expected);
    expect(historyKept(before, present)).toBe(true);

    // A replica that held the present merges the change, and its next edit applies on top.
    Y.applyUpdate(peer, change!);
    expect(readBoard(peer)).toEqual(expected);
    updateCard(peer, keep, { title: 'Edited after the rollback' });
    Y.applyUpdate(present, Y.encodeStateAsUpdate(peer, Y.encodeStateVector(present)));
    expect(readBoard(present).cards.get(keep)?.title).toBe('Edited after the rollback');
  });

  it('[S12.1] takes a Lexical-shaped description back: text, formats, attributes and nested elements', () => {
    const present = new Y.Doc();
    writeDescription(present, 'Ship it');
    const backup = Y.encodeStateAsUpdate(present);
    const expected = docFrom(backup).get('root', Y.XmlText).toJSON();

    const root = present.get('root', Y.XmlText);
    const paragraph = root.toDelta()[1].insert as Y.XmlText;
    paragraph.insert(paragraph.length, ' tomorrow');
    paragraph.format(1, 4, { italic: true, bold: null });
    paragraph.setAttribute('__type', 'quote');
    const heading = root.toDelta()[0].insert as Y.XmlText;
    root.delete(0, 1); // the heading goes
    expect(heading).toBeDefined();
    writeDescription(present, 'Another block');

    const change = revertChange(present, backup);
    Y.applyUpdate(present, change!);
    expect(present.get('root', Y.XmlText).toJSON()).toEqual(expected);
    expect(documentContent(present)).toEqual(documentContent(docFrom(backup)));
  });

  it('[S12.1] a backup without the document empties it; a document created since is cleared', () => {
    const present = new Y.Doc();
    writeDescription(present, 'Written after the backup');
    const change = revertChange(present, null);
    Y.applyUpdate(present, change!);
    expect(present.get('root', Y.XmlText).length).toBe(0);
    expect(documentContent(present)).toEqual(documentContent(new Y.Doc()));
  });

  it('[S12.1] a document deleted since the backup (empty now) gets the backup content back', () => {
    const source = new Y.Doc();
    writeDescription(source, 'Only in the backup');
    const backup = Y.encodeStateAsUpdate(source);
    const present = new Y.Doc();
    Y.applyUpdate(present, revertChange(present, backup)!);
    expect(documentContent(present)).toEqual(documentContent(source));
  });

  it('[S12.1] nothing to change gives null', () => {
    const present = new Y.Doc();
    writeDescription(present, 'Same');
    expect(revertChange(present, Y.encodeStateAsUpdate(present))).toBeNull();
  });

  it('[S12.1] rolling back to the content just before a rollback undoes it', () => {
    const present = new Y.Doc();
    initBoard(present, { title: 'Old', createdBy: 'm1' });
    const backup = Y.encodeStateAsUpdate(present);
    renameBoard(present, 'New');
    addCard(present, { columnId: readBoard(present).columns[0]!.id, title: 'Later', createdBy: 'm1' });
    const beforeRollback = Y.encodeStateAsUpdate(present);
    const expectedAfterUndo = readBoard(docFrom(beforeRollback));
    Y.applyUpdate(present, revertChange(present, backup)!);
    expect(readBoard(present).title).toBe('Old');
    Y.applyUpdate(present, revertChange(present, beforeRollback)!);
    expect(readBoard(present)).toEqual(expectedAfterUndo);
  });

  it('[S12.1] a backup with content the present never saw (a lost write) is reproduced too', () => {
    const shared = new Y.Doc();
    shared.getMap('m').set('a', 1);
    const present = copyOf(shared);
    const backupDoc = copyOf(shared);
    backupDoc.getMap('m').set('b', 2); // reached the backup, lost from the present
    backupDoc.getArray('list').push(['x']);
    present.getMap('m').set('a', 3);
    const backup = Y.encodeStateAsUpdate(backupDoc);
    Y.applyUpdate(present, revertChange(present, backup)!);
    expect(documentContent(present)).toEqual(documentContent(backupDoc));
  });

  it('refuses a target that is not a Yjs update', () => {
    expect(() => revertChange(new Y.Doc(), new Uint8Array([1, 2, 3, 250]))).toThrow(RevertError);
  });
});

type Edit =
  | { kind: 'mapSet'; key: number; value: number }
  | { kind: 'mapDelete'; key: number; nested: boolean }
  | { kind: 'nestedSet'; key: number; inner: number; value: string }
  | { kind: 'arrayInsert'; at: number; value: number }
  | { kind: 'arrayDelete'; at: number }
  | { kind: 'textInsert'; at: number; text: string; bold: boolean }
  | { kind: 'textDelete'; at: number; length: number }
  | { kind: 'textFormat'; at: number; length: number; italic: boolean }
  | { kind: 'xmlInsert'; at: number; text: string }
  | { kind: 'xmlDelete'; at: number }
  | { kind: 'xmlAttribute'; at: number; value: string }
  | { kind: 'switch'; replica: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('mapSet'), key: fc.nat(4), value: fc.nat(9) }),
  fc.record({ kind: fc.constant('mapDelete'), key: fc.nat(4), nested: fc.boolean() }),
  fc.record({ kind: fc.constant('nestedSet'), key: fc.nat(3), inner: fc.nat(3), value: fc.string() }),
  fc.record({ kind: fc.constant('arrayInsert'), at: fc.nat(20), value: fc.nat(99) }),
  fc.record({ kind: fc.constant('arrayDelete'), at: fc.nat(20) }),
  fc.record({ kind: fc.constant('textInsert'), at: fc.nat(40), text: fc.string(), bold: fc.boolean() }),
  fc.record({ kind: fc.constant('textDelete'), at: fc.nat(40), length: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('textFormat'),
    at: fc.nat(40),
    length: fc.integer({ min: 1, max: 6 }),
    italic: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('xmlInsert'), at: fc.nat(5), text: fc.string() }),
  fc.record({ kind: fc.constant('xmlDelete'), at: fc.nat(5) }),
  fc.record({ kind: fc.constant('xmlAttribute'), at: fc.nat(5), value: fc.string({ maxLength: 3 }) }),
  fc.record({ kind: fc.constant('switch'), replica: fc.nat(2) }),
);

/** Applies edits, each on the current replica; replicas exchange everything at every switch. */
function play(replicas: Y.Doc[], edits: readonly Edit[]): void {
  let doc = replicas[0]!;
  for (const e of edits) {
    const map = doc.getMap<unknown>('map');
    const array = doc.getArray<number>('array');
    const text = doc.getText('text');
    const xml = doc.get('xml', Y.XmlText) as Y.XmlText;
    const blocks = xml.toDelta().filter((op: { insert: unknown }) => op.insert instanceof Y.XmlText);
    switch (e.kind) {
      case 'mapSet':
        map.set(`k${e.key}`, e.value);
        break;
      case 'mapDelete':
        map.delete(`${e.nested ? 'n' : 'k'}${e.key}`);
        break;
      case 'nestedSet': {
        let inner = map.get(`n${e.key}`);
        if (!(inner instanceof Y.Map)) {
          inner = new Y.Map();
          map.set(`n${e.key}`, inner);
        }
        (inner as Y.Map<string>).set(`i${e.inner}`, e.value);
        break;
      }
      case 'arrayInsert':
        array.insert(Math.min(e.at, array.length), [e.value]);
        break;
      case 'arrayDelete':
        if (array.length > 0) array.delete(e.at % array.length, 1);
        break;
      case 'textInsert':
        text.insert(Math.min(e.at, text.length), e.text, e.bold ? { bold: true } : {});
        break;
      case 'textDelete':
        if (text.length > 0) {
          const at = e.at % text.length;
          text.delete(at, Math.min(e.length, text.length - at));
        }
        break;
      case 'textFormat':
        if (text.length > 0) {
          const at = e.at % text.length;
          text.format(at, Math.min(e.length, text.length - at), { italic: e.italic ? true : null });
        }
        break;
      case 'xmlInsert': {
        const block = new Y.XmlText();
        xml.insertEmbed(Math.min(e.at, xml.length), block);
        block.setAttribute('__type', 'paragraph');
        block.insert(0, e.text);
        break;
      }
      case 'xmlDelete':
        if (xml.length > 0) xml.delete(e.at % xml.length, 1);
        break;
      case 'xmlAttribute': {
        const block = blocks[e.at % Math.max(1, blocks.length)]?.insert as Y.XmlText | undefined;
        block?.setAttribute('__type', e.value);
        break;
      }
      case 'switch':
        for (const a of replicas) for (const b of replicas) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
        doc = replicas[e.replica % replicas.length]!;
        break;
    }
  }
  for (const a of replicas) for (const b of replicas) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
}

describe('revertChange on random edits', () => {
  it('[S12.1] any content reached by random edits on three replicas returns exactly to the backup', () => {
    fc.assert(
      fc.property(
        fc.array(edit, { maxLength: 40 }),
        fc.array(edit, { maxLength: 40 }),
        (beforeBackup, afterBackup) => {
          const replicas = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
          play(replicas, beforeBackup);
          const backup = Y.encodeStateAsUpdate(replicas[0]!);
          play(replicas, afterBackup);
          const present = replicas[1]!;
          const history = copyOf(present);
          const change = revertChange(present, backup);
          if (change !== null) Y.applyUpdate(present, change);
          expect(documentContent(present)).toEqual(documentContent(docFrom(backup)));
          expect(historyKept(history, present)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 1207 },
    );
  });
});

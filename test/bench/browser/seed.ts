/**
 * The big board the browser benchmark opens, built once per run in Node and written straight into a
 * server's LevelDB directory before the server starts: 2,000 cards in 20 columns (labels, assignees and due
 * dates on some), 300 of them with a description written by a headless Lexical editor through the same
 * @lexical/yjs binding the app uses, the first one 100,000 characters long (600 paragraphs). Each described
 * card carries its stored preview, as an editor would have left it.
 */
import { $convertFromMarkdownString, CHECK_LIST, TRANSFORMERS } from '@lexical/markdown';
import { createYjsBinding, type Provider, syncLexicalUpdateToYjs } from '@lexical/yjs';
import { $getRoot, createEditor } from 'lexical';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { DESCRIPTION_NODES } from '../../../client/description/editor-config';
import {
  addCard,
  addLabel,
  initBoard,
  LABEL_COLORS,
  noteMember,
  readBoard,
  seededRandom,
  updateCard,
} from '../../../shared/board';
import { summarizeDescription } from '../../../shared/description-preview';
import { writeDescriptionSummary } from '../../../shared/description-summary';
import { boardRoom, descriptionRoom } from '../../../shared/room-names';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';

export interface BoardShape {
  columns: number;
  cards: number;
  descriptions: number;
  /** Characters of the first description (the one typed into). */
  longDescriptionChars: number;
}

export const BIG_BOARD: BoardShape = {
  columns: 20,
  cards: 2_000,
  descriptions: 300,
  longDescriptionChars: 100_000,
};

export interface SeededBoard {
  boardId: string;
  /** Every room's whole state, to store. */
  rooms: Map<string, Uint8Array>;
  /** The card holding the long description, and its title. */
  longCard: { id: string; title: string };
  /** Other cards with a description (opened for the card-panel and heap figures), in board order. */
  describedCards: { id: string; title: string }[];
  /** The first two columns (the remote move goes back and forth between them) and a card of the first. */
  move: { cardId: string; cardTitle: string; columns: [string, string]; columnTitles: [string, string] };
  /** Bytes of the board document's encoded state. */
  boardBytes: number;
  totalCards: number;
}

const WORDS =
  'plan review ship fix login flow cache layer sync server offline banner search index export import token board card column label due week sprint design copy test deploy metrics alert retry storage'.split(
    ' ',
  );

export function seedBoard(shape: BoardShape, seed = 1): SeededBoard {
  const random = seededRandom(seed);
  const clock = () => Date.UTC(2026, 10, 1) + Math.floor(random() * 1e9);
  const opts = { random, clock };
  const words = (n: number) =>
    Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const boardId = 'bigboard2000';
  const doc = new Y.Doc();
  doc.clientID = 1;
  const columnTitles = Array.from({ length: shape.columns }, (_, i) => `Stage ${i + 1}`);
  initBoard(doc, { title: 'Big board', createdBy: 'bench-owner', columnTitles }, opts);
  const labels = ['bug', 'feature', 'chore', 'urgent', 'design'].map((name, i) =>
    addLabel(doc, { name, color: LABEL_COLORS[i] ?? '#868e96' }, opts),
  );
  const members = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra'].map((name, i) => {
    const id = `member-${i + 1}`;
    noteMember(doc, { id, name, color: '#1971c2' }, opts);
    return id;
  });
  const columns = readBoard(doc).columns.map((c) => c.id);
  const cardIds: string[] = [];
  // One transaction: the same state, built in seconds rather than minutes of per-card transactions.
  doc.transact(() => {
    for (let i = 0; i < shape.cards; i++) {
      const columnId = columns[i % columns.length] as string;
      const id = addCard(doc, { columnId, title: `#${i + 1} ${words(4)}`, createdBy: 'bench-owner' }, opts);
      cardIds.push(id);
      if (i % 3 === 0) {
        updateCard(
          doc,
          id,
          {
            labels: labels.filter(() => random() < 0.3),
            assignees: members.filter(() => random() < 0.2),
            due: i % 9 === 0 ? `2026-12-${String(1 + (i % 28)).padStart(2, '0')}` : null,
          },
          opts,
        );
      }
    }
  });

  const rooms = new Map<string, Uint8Array>();
  // The first card, then the next rows of the first four columns (on screen when the board opens: the card
  // panels are opened from these), then the rest spread over the board.
  const columnCount = shape.columns;
  const onScreen = [1, 2, 3].flatMap((row) => [0, 1, 2, 3].map((column) => row * columnCount + column));
  const chosen = new Set([0, ...onScreen]);
  const step = Math.max(1, Math.floor(shape.cards / (shape.descriptions - chosen.size)));
  for (let i = 0; chosen.size < shape.descriptions && i < shape.cards; i += step) chosen.add(i);
  const described = [...chosen].map((i) => cardIds[i] as string);
  described.forEach((cardId, i) => {
    const markdown = i === 0 ? longMarkdown(shape.longDescriptionChars) : shortMarkdown(random, words);
    const descDoc = describe(markdown);
    rooms.set(descriptionRoom(boardId, cardId), Y.encodeStateAsUpdate(descDoc));
    writeDescriptionSummary(doc, cardId, summarizeDescription(descDoc));
    descDoc.destroy();
  });
  const board = readBoard(doc);
  const title = (id: string) => board.cards.get(id)?.title ?? '';
  const boardState = Y.encodeStateAsUpdate(doc);
  rooms.set(boardRoom(boardId), boardState);
  const firstColumn = board.columns[0];
  const secondColumn = board.columns[1];
  if (!firstColumn || !secondColumn) throw new Error('seed: the board needs two columns');
  // A card near the top of the first column, so it is on screen in both columns it moves between.
  const mover = firstColumn.cards.find((c) => !described.includes(c.id)) ?? firstColumn.cards[0];
  if (!mover) throw new Error('seed: the first column has no card');
  doc.destroy();
  return {
    boardId,
    rooms,
    longCard: { id: described[0] as string, title: title(described[0] as string) },
    describedCards: described.slice(1).map((id) => ({ id, title: title(id) })),
    move: {
      cardId: mover.id,
      cardTitle: mover.title,
      columns: [firstColumn.id, secondColumn.id],
      columnTitles: [firstColumn.title, secondColumn.title],
    },
    boardBytes: boardState.length,
    totalCards: shape.cards,
  };
}

/** Writes every room into a LevelDB data directory (the server is not running on it). */
export async function storeRooms(dataDir: string, rooms: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const store = await LevelDocStore.open(dataDir, { fsync: false });
  try {
    for (const [room, state] of rooms) await store.append(room, state);
  } finally {
    await store.close();
  }
}

/** ~`chars` characters in paragraphs of ~165 (a long spec), as one Markdown string. */
function longMarkdown(chars: number): string {
  const sentence = 'The quick brown fox jumps over the lazy dog while the team reviews the plan. ';
  const paragraph = (i: number) => `${i + 1}. ${sentence}${sentence}`.trim();
  const paragraphs: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const text = paragraph(i).replace(/^(\d+)\./, '$1)');
    paragraphs.push(text);
    length += text.length;
  }
  return paragraphs.join('\n\n');
}

function shortMarkdown(random: () => number, words: (n: number) => string): string {
  const items = 2 + Math.floor(random() * 4);
  const checklist = Array.from({ length: items }, () => `- [${random() < 0.4 ? 'x' : ' '}] ${words(4)}`);
  return `${words(25)}.\n\n${words(30)}.\n\n${checklist.join('\n')}`;
}

/** The Yjs document a description editor would have written for this Markdown. */
function describe(markdown: string): Y.Doc {
  const doc = new Y.Doc();
  const editor = createEditor({
    namespace: 'bench',
    nodes: [...DESCRIPTION_NODES],
    onError: (error) => {
      throw error;
    },
  });
  const binding = createYjsBinding({ editor, id: 'main', doc, docMap: new Map([['main', doc]]) });
  const awareness = new Awareness(doc);
  const provider = {
    awareness,
    connect: () => {},
    disconnect: () => {},
    on: () => {},
    off: () => {},
  } as unknown as Provider;
  const stop = editor.registerUpdateListener((update) =>
    syncLexicalUpdateToYjs(
      binding,
      provider,
      update.prevEditorState,
      update.editorState,
      update.dirtyElements,
      update.dirtyLeaves,
      update.normalizedNodes,
      update.tags,
    ),
  );
  editor.update(
    () => {
      $getRoot().clear();
      $convertFromMarkdownString(markdown, [CHECK_LIST, ...TRANSFORMERS]);
    },
    { discrete: true },
  );
  stop();
  awareness.destroy();
  return doc;
}

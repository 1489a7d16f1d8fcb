/**
 * Documents the scenarios start from: a small board (existing content for the join storm and the
 * memory scenario) and the 100,000-update history of the cold-load scenario. Deterministic from a
 * seed. The shape only loosely follows shared/board: the servers never look inside documents.
 */
import * as Y from 'yjs';
import { seededRandom } from './stats';

const WORDS = ['plan', 'ship', 'review', 'fix', 'design', 'board', 'sync', 'card', 'column', 'test', 'docs'];

function sentence(random: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(random() * WORDS.length)] as string);
  return out.join(' ');
}

/** Fill `doc` with a board of `cards` cards in three columns (≈ 250 bytes encoded per card). */
export function fillBoard(doc: Y.Doc, cards: number, seed = 1): void {
  const random = seededRandom(seed);
  doc.transact(() => {
    const columns = doc.getMap<Y.Map<string>>('columns');
    for (const name of ['todo', 'doing', 'done']) {
      const column = new Y.Map<string>();
      columns.set(name, column);
      column.set('title', name);
    }
    const cardMap = doc.getMap<Y.Map<unknown>>('cards');
    for (let i = 0; i < cards; i++) {
      const card = new Y.Map<unknown>();
      cardMap.set(`card-${i}`, card);
      card.set('column', ['todo', 'doing', 'done'][i % 3]);
      card.set('order', `a${i.toString(36)}`);
      const title = new Y.Text();
      card.set('title', title);
      title.insert(0, sentence(random, 4));
      const description = new Y.Text();
      card.set('description', description);
      description.insert(0, sentence(random, 25));
    }
  });
}

/**
 * `count` small updates from one client, as typing and card edits produce them: runs of 1–8
 * characters typed at a cursor (75 %), backspaces of 1–4 characters (10 %) and card field sets
 * (15 %); the cursor jumps to a random place 1 time in 10. Consecutive keystrokes at one cursor merge
 * into one Yjs item, as real typing does; inserting every run at a random place instead would give
 * a far more fragmented document (~2.5 MB of state for 100,000 updates, worst case for loading).
 * Returns the updates and the doc that made them (its state is the expected result).
 */
export function smallUpdateHistory(count: number, seed = 7): { updates: Uint8Array[]; doc: Y.Doc } {
  const random = seededRandom(seed);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const text = doc.getText('notes');
  const cards = doc.getMap<string>('cards');
  let cursor = 0;
  while (updates.length < count) {
    if (random() < 0.1 || cursor > text.length) cursor = Math.floor(random() * (text.length + 1));
    const roll = random();
    if (roll < 0.75 || cursor < 4) {
      const typed = sentence(random, 1).slice(0, 1 + Math.floor(random() * 8));
      text.insert(cursor, typed);
      cursor += typed.length;
    } else if (roll < 0.85) {
      const n = 1 + Math.floor(random() * 4);
      text.delete(cursor - n, n);
      cursor -= n;
    } else {
      cards.set(`card-${Math.floor(random() * 500)}`, sentence(random, 3));
    }
  }
  return { updates, doc };
}

/**
 * Keeps the search index up to date, incrementally:
 * - at start, the index persisted by earlier pages is loaded (never rebuilt);
 * - once search has been used in a page, a board open in it is re-indexed shortly after each change to it
 *   (`watchBoard`), so results follow what is on screen;
 * - `catchUp()` re-reads only the rooms whose local copy changed since they were indexed (edits in
 *   descriptions, in other tabs, synced in the background), and forgets rooms no longer held.
 * Each step writes only the records that changed.
 */
import type * as Y from 'yjs';
import { type BoardSnapshot, onBoardChange, readBoard } from '../../shared/board';
import { summarizeDescription } from '../../shared/description-preview';
import { boardRoom, descriptionRoom, parseRoom } from '../../shared/room-names';
import type { RoomSource } from './room-source';
import { type CardRecord, cardKey, SearchIndex } from './search-index';
import type { SearchStore } from './search-store';

/** Whole description text: the preview walk without its length limit. */
const FULL_TEXT = Number.MAX_SAFE_INTEGER;
/** A burst of changes (typing a title) is indexed once it pauses. */
const WATCH_DELAY_MS = 400;

export class SearchIndexer {
  readonly index = new SearchIndex();
  private versions = new Map<string, number>();
  private loaded: Promise<void> | null = null;
  private catchingUp: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: SearchStore,
    private readonly source: RoomSource,
  ) {}

  /** Loads the persisted index once per page. */
  whenLoaded(): Promise<void> {
    this.loaded ??= this.store.load().then(({ cards, descriptions, versions }) => {
      for (const card of cards) this.index.putCard(card);
      for (const description of descriptions) this.index.putDescription(description);
      this.versions = versions;
      this.changed();
    });
    return this.loaded;
  }

  /** Called after the index changed; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-indexes the rooms whose local copy moved since they were indexed; one run at a time. */
  catchUp(): Promise<void> {
    this.catchingUp ??= this.runCatchUp().finally(() => {
      this.catchingUp = null;
    });
    return this.catchingUp;
  }

  /** Indexes a board open in this page now, and again after each change to it. Returns a stop function. */
  watchBoard(boardId: string, doc: Y.Doc): () => void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      timer = null;
      // Until search is first used in this page the index is not even loaded: a board opens at no cost, and
      // the first catch-up reads it from its local copy anyway.
      if (this.loaded === null) return;
      void this.whenLoaded()
        .then(() => this.indexBoard(boardId, readBoard(doc), null))
        .catch((error: unknown) => console.warn('search index: indexing a board failed', error));
    };
    run();
    const stop = onBoardChange(doc, () => {
      if (timer === null) timer = setTimeout(run, WATCH_DELAY_MS);
    });
    return () => {
      stop();
      if (timer !== null) clearTimeout(timer);
    };
  }

  private async runCatchUp(): Promise<void> {
    await this.whenLoaded();
    const held = await this.source.list();
    const heldRooms = new Set(held.map(({ room }) => room));
    // Boards first: a description joins its card's record.
    const stale = held
      .filter(({ room, version }) => this.versions.get(room) !== version)
      .sort(
        (a, b) => Number(parseRoom(a.room).kind !== 'board') - Number(parseRoom(b.room).kind !== 'board'),
      );
    for (const { room, version } of stale) {
      const parsed = parseRoom(room);
      const doc = await this.source.read(room);
      try {
        if (parsed.kind === 'board') await this.indexBoard(parsed.boardId, readBoard(doc), version);
        else if (parsed.kind === 'description') {
          await this.indexDescription(parsed.boardId, parsed.cardId, doc, version);
        }
      } finally {
        doc.destroy();
      }
    }
    const gone = [...this.versions.keys()].filter((room) => !heldRooms.has(room));
    if (gone.length > 0) await this.forget(gone);
  }

  /** Writes the board's card records that differ from the index, and removes its cards that are gone. */
  private async indexBoard(boardId: string, board: BoardSnapshot, version: number | null): Promise<void> {
    if (!board.initialised) return;
    const boardTitle = board.title || 'Untitled board';
    const columnTitles = new Map(board.columns.map((column) => [column.id, column.title]));
    const next = new Map<string, CardRecord>();
    for (const card of board.cards.values()) {
      const key = cardKey(boardId, card.id);
      next.set(key, {
        key,
        boardId,
        cardId: card.id,
        boardTitle,
        columnTitle: columnTitles.get(card.columnId) ?? '',
        title: card.title,
        archived: card.archived,
      });
    }
    const putCards = [...next.values()].filter((card) => !sameCard(this.index.card(card.key), card));
    const removeCards = this.index
      .cardsOf(boardId)
      .map((card) => card.key)
      .filter((key) => !next.has(key));
    const room = boardRoom(boardId);
    const versions = version === null ? undefined : new Map([[room, version]]);
    if (putCards.length === 0 && removeCards.length === 0 && version === this.versions.get(room)) return;
    for (const card of putCards) this.index.putCard(card);
    for (const key of removeCards) this.index.removeCard(key);
    if (version !== null) this.versions.set(room, version);
    await this.store.write({ putCards, removeCards, ...(versions ? { versions } : {}) });
    if (putCards.length > 0 || removeCards.length > 0) this.changed();
  }

  private async indexDescription(
    boardId: string,
    cardId: string,
    doc: Y.Doc,
    version: number,
  ): Promise<void> {
    const key = cardKey(boardId, cardId);
    const text = summarizeDescription(doc, FULL_TEXT).preview;
    const room = descriptionRoom(boardId, cardId);
    const changedText = (this.index.description(key) ?? '') !== text;
    if (changedText) this.index.putDescription({ key, text });
    this.versions.set(room, version);
    await this.store.write({
      ...(changedText ? { putDescriptions: [{ key, text }] } : {}),
      versions: new Map([[room, version]]),
    });
    if (changedText) this.changed();
  }

  /** Rooms whose local copy is gone (a cleared browser profile, a removed database). */
  private async forget(rooms: readonly string[]): Promise<void> {
    const removeCards: string[] = [];
    const putDescriptions: { key: string; text: string }[] = [];
    for (const room of rooms) {
      this.versions.delete(room);
      const parsed = parseRoom(room);
      if (parsed.kind === 'board') removeCards.push(...this.index.cardsOf(parsed.boardId).map((c) => c.key));
      else if (parsed.kind === 'description')
        putDescriptions.push({ key: cardKey(parsed.boardId, parsed.cardId), text: '' });
    }
    for (const key of removeCards) this.index.removeCard(key);
    for (const description of putDescriptions) this.index.putDescription(description);
    await this.store.write({ removeCards, putDescriptions, forgetRooms: rooms });
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function sameCard(a: CardRecord | undefined, b: CardRecord): boolean {
  return (
    a !== undefined &&
    a.title === b.title &&
    a.columnTitle === b.columnTitle &&
    a.boardTitle === b.boardTitle &&
    a.archived === b.archived
  );
}

/**
 * The in-memory search index over every card and description this browser holds: card records (from board
 * documents) and description texts (from description documents), joined by `boardId/cardId` at query time.
 * Changed one record at a time (indexer.ts); queries scan pre-folded text, never the documents.
 */

/** A card as search sees it: what to match and what to show. */
export interface CardRecord {
  /** `boardId/cardId`. */
  key: string;
  boardId: string;
  cardId: string;
  boardTitle: string;
  columnTitle: string;
  title: string;
  archived: boolean;
}

export interface DescriptionRecord {
  key: string;
  text: string;
}

export interface Snippet {
  before: string;
  match: string;
  after: string;
}

export interface SearchHit {
  card: CardRecord;
  /** Where the first word matched, from the description when it matched there, else the title. */
  snippet: Snippet;
}

export const cardKey = (boardId: string, cardId: string): string => `${boardId}/${cardId}`;

const SNIPPET_CONTEXT = 40;

const fold = (text: string): string => text.toLocaleLowerCase();

interface Folded {
  card: CardRecord;
  /** Title, column and board, folded. */
  head: string;
}

export class SearchIndex {
  private readonly cards = new Map<string, Folded>();
  private readonly descriptions = new Map<string, { text: string; folded: string }>();

  get size(): number {
    return this.cards.size;
  }

  putCard(card: CardRecord): void {
    this.cards.set(card.key, { card, head: fold(`${card.title}\n${card.columnTitle}\n${card.boardTitle}`) });
  }

  removeCard(key: string): void {
    this.cards.delete(key);
  }

  card(key: string): CardRecord | undefined {
    return this.cards.get(key)?.card;
  }

  /** The card records of one board. */
  cardsOf(boardId: string): CardRecord[] {
    const prefix = `${boardId}/`;
    return [...this.cards.values()].filter((f) => f.card.key.startsWith(prefix)).map((f) => f.card);
  }

  putDescription(record: DescriptionRecord): void {
    if (record.text === '') this.descriptions.delete(record.key);
    else this.descriptions.set(record.key, { text: record.text, folded: fold(record.text) });
  }

  description(key: string): string | undefined {
    return this.descriptions.get(key)?.text;
  }

  /**
   * Cards where every word of `text` appears in the title, column, board name or description. Live cards
   * before archived ones, cards matched in their title first; at most `limit`.
   */
  query(text: string, limit = 30): SearchHit[] {
    const words = fold(text).split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const hits: { hit: SearchHit; rank: number }[] = [];
    for (const { card, head } of this.cards.values()) {
      const description = this.descriptions.get(card.key);
      let inTitle = 0;
      let matchedAll = true;
      for (const word of words) {
        if (head.includes(word)) inTitle += 1;
        else if (!description?.folded.includes(word)) {
          matchedAll = false;
          break;
        }
      }
      if (!matchedAll) continue;
      const rank = (card.archived ? 2 : 0) + (inTitle === words.length ? 0 : 1);
      hits.push({ hit: { card, snippet: snippetOf(card, description, words) }, rank });
    }
    hits.sort((a, b) => a.rank - b.rank || a.hit.card.title.localeCompare(b.hit.card.title));
    return hits.slice(0, limit).map(({ hit }) => hit);
  }
}

function snippetOf(
  card: CardRecord,
  description: { text: string; folded: string } | undefined,
  words: readonly string[],
): Snippet {
  if (description) {
    for (const word of words) {
      const at = description.folded.indexOf(word);
      if (at >= 0) return cut(description.text, at, word.length);
    }
  }
  const at = fold(card.title).indexOf(words[0] ?? '');
  return at >= 0 ? cut(card.title, at, words[0]?.length ?? 0) : { before: card.title, match: '', after: '' };
}

/** The match with some words of context either side, cut at spaces, with ellipses where text was left out. */
function cut(text: string, at: number, length: number): Snippet {
  let start = Math.max(0, at - SNIPPET_CONTEXT);
  let end = Math.min(text.length, at + length + SNIPPET_CONTEXT);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < at) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > at + length) end = space;
  }
  return {
    before: `${start > 0 ? '…' : ''}${text.slice(start, at)}`,
    match: text.slice(at, at + length),
    after: `${text.slice(at + length, end)}${end < text.length ? '…' : ''}`,
  };
}

/**
 * What an activity entry says, as words and the names in it: "Alice moved *Fix login* from Doing to Done".
 * The entry holds the titles as they were when it was made (shared/board/activity.ts), so a renamed or
 * deleted card still reads as it was then; people are named as the board knows them now.
 */
import type { ActivityEntry } from '../../shared/board';

/** A piece of the sentence: plain words, or a name shown in emphasis (a card, column or label). */
export type Piece = string | { readonly name: string };

/** How to name a member id ('' or unknown: "Someone"). */
export type NameOf = (memberId: string) => string;

const named = (name: string): Piece => ({ name: name || 'untitled' });

function list(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) out.push(i === pieces.length - 1 ? ' and ' : ', ');
    out.push(piece);
  });
  return out;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A version's time as a feed entry names it: "3 Dec 14:00" (this browser's time zone and language). */
export function versionTime(ms: number): string {
  const date = new Date(ms);
  const day = date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return `${day} ${time}`;
}

/** The sentence after the author's name, as pieces. */
export function describeAction(entry: ActivityEntry, nameOf: NameOf): Piece[] {
  switch (entry.kind) {
    case 'board.created':
      return ['created the board ', named(entry.title)];
    case 'board.renamed':
      return ['renamed the board from ', named(entry.from), ' to ', named(entry.to)];
    case 'board.retention':
      return [`set the trash to keep deleted things for ${plural(entry.days, 'day', 'days')}`];
    case 'board.reverted':
      return [`restored the board to the version of ${versionTime(entry.version)}`];
    case 'column.added':
      return ['added column ', named(entry.column.title)];
    case 'column.renamed':
      return ['renamed column ', named(entry.from), ' to ', named(entry.column.title)];
    case 'column.moved':
      return ['moved column ', named(entry.column.title)];
    case 'column.deleted':
      return [
        'deleted column ',
        named(entry.column.title),
        entry.cards > 0 ? ` with ${plural(entry.cards, 'card', 'cards')}` : '',
      ];
    case 'column.restored':
      return [
        'restored column ',
        named(entry.column.title),
        entry.cards > 0 ? ` with ${plural(entry.cards, 'card', 'cards')}` : '',
      ];
    case 'column.purged':
      return entry.auto
        ? ['Column ', named(entry.column.title), ' was removed from the trash after its time there']
        : ['purged column ', named(entry.column.title), ' from the trash'];
    case 'card.added':
      return ['added ', named(entry.card.title), ' to ', named(entry.column.title)];
    case 'card.renamed':
      return ['renamed ', named(entry.from), ' to ', named(entry.card.title)];
    case 'card.moved':
      return entry.from.id === entry.to.id
        ? ['moved ', named(entry.card.title), ' within ', named(entry.to.title)]
        : [
            'moved ',
            named(entry.card.title),
            ' from ',
            named(entry.from.title),
            ' to ',
            named(entry.to.title),
          ];
    case 'card.archived':
      return ['archived ', named(entry.card.title)];
    case 'card.unarchived':
      return ['brought back ', named(entry.card.title), ' from the archive'];
    case 'card.deleted':
      return ['deleted ', named(entry.card.title)];
    case 'card.restored':
      return ['restored ', named(entry.card.title), ' to ', named(entry.column.title)];
    case 'card.purged':
      return entry.auto
        ? [named(entry.card.title), ' was removed from the trash after its time there']
        : ['purged ', named(entry.card.title), ' from the trash'];
    case 'card.reverted':
      return ['restored ', named(entry.card.title), ` to the version of ${versionTime(entry.version)}`];
    case 'card.descriptionReverted':
      return [
        'restored the description of ',
        named(entry.card.title),
        ` to the version of ${versionTime(entry.version)}`,
      ];
    case 'card.labels': {
      const parts: Piece[][] = [];
      if (entry.added.length > 0)
        parts.push([
          'labelled ',
          named(entry.card.title),
          ' ',
          ...list(entry.added.map((l) => named(l.title))),
        ]);
      if (entry.removed.length > 0) {
        const removed = list(entry.removed.map((l) => named(l.title)));
        parts.push(
          entry.added.length > 0
            ? ['took off ', ...removed]
            : ['took ', ...removed, ' off ', named(entry.card.title)],
        );
      }
      return parts.flatMap((part, i) => (i > 0 ? ['; ', ...part] : part));
    }
    case 'card.assignees': {
      const people = (ids: readonly string[]) => list(ids.map((id) => nameOf(id)));
      const parts: Piece[][] = [];
      if (entry.added.length > 0)
        parts.push(['assigned ', ...people(entry.added), ' to ', named(entry.card.title)]);
      if (entry.removed.length > 0)
        parts.push(['unassigned ', ...people(entry.removed), ' from ', named(entry.card.title)]);
      return parts.flatMap((part, i) => (i > 0 ? ['; ', ...part] : part));
    }
    case 'card.due':
      if (entry.to === null) return ['cleared the due date of ', named(entry.card.title)];
      return entry.from === null
        ? ['set ', named(entry.card.title), ` due ${entry.to}`]
        : ['moved the due date of ', named(entry.card.title), ` from ${entry.from} to ${entry.to}`];
    case 'card.described':
      return ['edited the description of ', named(entry.card.title)];
    case 'card.commented':
      return ['commented on ', named(entry.card.title)];
    case 'card.estimated':
      return [
        'set the estimate of ',
        named(entry.card.title),
        ` to ${entry.value}`,
        entry.from === null ? '' : ` (was ${entry.from})`,
      ];
    case 'board.votingStarted':
      return ['started dot voting'];
    case 'board.votingEnded':
      return ['ended dot voting'];
    case 'label.added':
      return ['added label ', named(entry.label.title)];
    case 'label.changed':
      return entry.from === entry.label.title
        ? ['changed the colour of label ', named(entry.label.title)]
        : ['renamed label ', named(entry.from), ' to ', named(entry.label.title)];
    case 'label.deleted':
      return ['deleted label ', named(entry.label.title)];
  }
}

/**
 * Whether the entry names nobody: what expired from the trash went on its own (whichever browser noticed
 * first wrote it), so its sentence has no author.
 */
export function isUnattributed(entry: ActivityEntry): boolean {
  return (entry.kind === 'card.purged' || entry.kind === 'column.purged') && entry.auto;
}

/** The whole entry as plain text (its accessible name, and tests): "Alice moved Fix login from Doing to Done". */
export function describeEntry(entry: ActivityEntry, nameOf: NameOf): string {
  const text = describeAction(entry, nameOf)
    .map((piece) => (typeof piece === 'string' ? piece : piece.name))
    .join('');
  return isUnattributed(entry) ? text : `${nameOf(entry.by)} ${text}`;
}

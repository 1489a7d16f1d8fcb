/**
 * Versions in the board view (client/history/versions): the board at a version with what changed since
 * highlighted, restoring a card or the board (one undo step), read-only viewers without Restore, the
 * description's text diff and restore, and the "needs the server" message offline, with what this tab
 * fetched before still shown from memory.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardView, type BoardViewProps } from '../../../client/board';
import { BoardContext, type BoardContextValue } from '../../../client/board/context';
import { useHistorySlots } from '../../../client/history';
import { DescriptionVersionsPanel } from '../../../client/history/versions/DescriptionVersionsPanel';
import {
  forgetFetchedVersions,
  httpVersionSource,
  VersionError,
  type VersionSource,
} from '../../../client/history/versions/version-source';
import { addCard, deleteCard, moveCard, readActivity, readBoard, updateCard } from '../../../shared/board';
import { ada, destroyAll, newAwareness, newBoard, SLOW_MACHINE_TIMEOUT_MS } from '../board/setup';

afterEach(() => {
  cleanup();
  destroyAll();
  forgetFetchedVersions();
});

const VERSION_TIME = Date.UTC(2026, 11, 3, 14, 0);
const noPanel = () => null;

/** A source holding one version of every room: `update`. */
function fakeSource(update: Uint8Array): VersionSource {
  return {
    list: async () => ({
      versions: [{ time: VERSION_TIME, size: update.byteLength, tier: '24h:all' }],
      now: Date.now(),
      fromMemory: false,
    }),
    version: async () => update,
    cached: () => update,
  };
}

const offlineSource: VersionSource = {
  list: async () => {
    throw new VersionError({ kind: 'offline' });
  },
  version: async () => {
    throw new VersionError({ kind: 'offline' });
  },
  cached: () => null,
};

function VersionsBoard(props: BoardViewProps & { source: VersionSource }) {
  const { source, ...rest } = props;
  const history = useHistorySlots(
    { renderCardPanel: noPanel },
    { boardId: 'b1', versionSource: () => source },
  );
  return <BoardView {...rest} {...history} />;
}

/** A board with a version taken, then: one card added, one moved, one deleted, one renamed. */
function boardWithHistory() {
  const doc = newBoard();
  const opts = { actor: ada.id };
  const moved = addCard(doc, { columnId: 'default-0', title: 'Moved', createdBy: ada.id }, opts);
  const removed = addCard(doc, { columnId: 'default-0', title: 'Removed', createdBy: ada.id }, opts);
  const renamed = addCard(doc, { columnId: 'default-1', title: 'Old name', createdBy: ada.id }, opts);
  const same = addCard(doc, { columnId: 'default-1', title: 'Same', createdBy: ada.id }, opts);
  const version = Y.encodeStateAsUpdate(doc);
  const added = addCard(doc, { columnId: 'default-2', title: 'Added', createdBy: ada.id }, opts);
  moveCard(doc, moved, { columnId: 'default-2', index: 0 }, opts);
  deleteCard(doc, removed, opts);
  updateCard(doc, renamed, { title: 'New name' }, opts);
  return { doc, version, ids: { moved, removed, renamed, same, added } };
}

async function openVersion(): Promise<HTMLElement> {
  fireEvent.click(screen.getByRole('button', { name: 'Versions' }));
  const dialog = screen.getByTestId('versions-panel');
  fireEvent.click(await within(dialog).findByTestId('version-choice'));
  await within(dialog).findByTestId('board-at-version');
  return dialog;
}

function changes(dialog: HTMLElement): Record<string, string> {
  return Object.fromEntries(
    within(dialog)
      .getAllByTestId('version-card')
      .map((card) => [
        card.querySelector('.version-card-title')?.textContent ?? '',
        card.dataset.change ?? '',
      ]),
  );
}

describe('the board at a version', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('[B16.1] shows the version read-only with cards added, removed, moved and changed since highlighted', async () => {
    const { doc, version } = boardWithHistory();
    render(<VersionsBoard doc={doc} awareness={newAwareness(doc)} me={ada} source={fakeSource(version)} />);
    const dialog = await openVersion();
    expect(changes(dialog)).toEqual({
      Moved: 'moved',
      Removed: 'removed',
      'Old name': 'changed',
      Same: 'same',
      Added: 'added',
    });
    expect(within(dialog).getByText('now in Done')).toBeTruthy();
    expect(within(dialog).getByTestId('version-summary').textContent).toBe(
      'Since then: 1 added, 1 removed, 1 moved, 1 changed.',
    );
    // Read-only: nothing to type into, no drag handles.
    expect(within(dialog).queryByRole('textbox')).toBeNull();
  });

  it('[B16.3][B10] restores the whole board, recorded in the feed, and Undo takes it back in one step', async () => {
    const { doc, version, ids } = boardWithHistory();
    render(<VersionsBoard doc={doc} awareness={newAwareness(doc)} me={ada} source={fakeSource(version)} />);
    const dialog = await openVersion();
    const before = readBoard(doc);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore the board to this version' }));
    const board = readBoard(doc);
    expect(board.cards.get(ids.moved)?.columnId).toBe('default-0');
    expect(board.cards.get(ids.removed)?.title).toBe('Removed');
    expect(board.cards.get(ids.renamed)?.title).toBe('Old name');
    expect(board.cards.has(ids.added)).toBe(false);
    expect(readActivity(doc)[0]).toMatchObject({ kind: 'board.reverted', version: VERSION_TIME, by: ada.id });
    // The view follows: nothing differs any more.
    expect(within(dialog).getByTestId('version-summary').textContent).toBe('No card has changed since.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(readBoard(doc).columns).toEqual(before.columns);
  });

  it('[B16.2] restores one card; read-only viewers see the version without any Restore button', async () => {
    const { doc, version, ids } = boardWithHistory();
    const { unmount } = render(
      <VersionsBoard doc={doc} awareness={newAwareness(doc)} me={ada} source={fakeSource(version)} />,
    );
    let dialog = await openVersion();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore Moved' }));
    expect(readBoard(doc).cards.get(ids.moved)?.columnId).toBe('default-0');
    expect(readBoard(doc).cards.get(ids.renamed)?.title).toBe('New name');
    expect(readActivity(doc)[0]).toMatchObject({ kind: 'card.reverted', card: { id: ids.moved } });
    unmount();

    render(
      <VersionsBoard
        doc={doc}
        awareness={newAwareness(doc)}
        me={ada}
        readOnly
        source={fakeSource(version)}
      />,
    );
    dialog = await openVersion();
    expect(changes(dialog)['Old name']).toBe('changed');
    expect(within(dialog).queryAllByRole('button', { name: /^Restore/ })).toEqual([]);
  });

  it('[B16.1][B16.2] the card panel shows the card then and now, the fields that differ marked, and restores it', async () => {
    const { doc, version, ids } = boardWithHistory();
    render(
      <VersionsBoard
        doc={doc}
        awareness={newAwareness(doc)}
        me={ada}
        source={fakeSource(version)}
        openCardId={ids.renamed}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Versions of the card' }));
    const dialog = screen.getByTestId('card-versions');
    fireEvent.click(await within(dialog).findByTestId('version-choice'));
    await within(dialog).findByTestId('card-at-version');
    const rows = within(dialog)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [row.querySelector('th')?.textContent, row.dataset.changed, row.textContent]);
    expect(rows.find(([name]) => name === 'Title')).toEqual(['Title', 'true', 'TitleOld nameNew name']);
    expect(rows.find(([name]) => name === 'Column')?.[1]).toBe('false');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore card' }));
    expect(readBoard(doc).cards.get(ids.renamed)?.title).toBe('Old name');
    expect(readBoard(doc).cards.get(ids.moved)?.columnId).toBe('default-2');
  });

  it('[B16.1] offline, a version never fetched says it needs the server, not a spinner', async () => {
    const doc = newBoard();
    render(<VersionsBoard doc={doc} awareness={newAwareness(doc)} me={ada} source={offlineSource} />);
    fireEvent.click(screen.getByRole('button', { name: 'Versions' }));
    const alert = await within(screen.getByTestId('versions-panel')).findByRole('alert');
    expect(alert.textContent).toContain('Viewing versions needs the server — you are offline.');
  });
});

describe('versions from the server', () => {
  it('[B16.1] offline, the list and the versions this tab fetched are shown from memory; others need the server', async () => {
    const { version } = boardWithHistory();
    let online = true;
    const asked: string[] = [];
    const fetchImpl = (async (url: string) => {
      asked.push(url);
      if (url.endsWith(`/${VERSION_TIME}`)) return new Response(version.slice(), { status: 200 });
      return Response.json({
        versions: [{ time: VERSION_TIME, size: 1, tier: '24h:all' }],
        now: VERSION_TIME,
      });
    }) as unknown as typeof fetch;
    const source = httpVersionSource({
      serverUrl: 'ws://127.0.0.1:1',
      token: 'tok',
      fetchImpl,
      isOnline: () => online,
    });
    expect((await source.list('board.b1')).fromMemory).toBe(false);
    expect(await source.version('board.b1', VERSION_TIME)).toEqual(version);
    expect(asked).toEqual([
      'http://127.0.0.1:1/history/board.b1',
      `http://127.0.0.1:1/history/board.b1/${VERSION_TIME}`,
    ]);
    online = false;
    expect((await source.list('board.b1')).fromMemory).toBe(true);
    expect(await source.version('board.b1', VERSION_TIME)).toEqual(version);
    await expect(source.version('board.b1', VERSION_TIME - 1)).rejects.toMatchObject({
      problem: { kind: 'offline' },
    });
    await expect(source.list('board.b2')).rejects.toMatchObject({ problem: { kind: 'offline' } });
    expect(asked).toHaveLength(2);
  });
});

/**
 * A description as @lexical/yjs lays it out (shared/description-preview.ts): one paragraph, its text node's
 * property map, then its characters. `replace` swaps the last `length` characters, as typing over them would.
 */
function descriptionDoc(text: string) {
  const doc = new Y.Doc();
  const paragraph = new Y.XmlText();
  doc.transact(() => {
    doc.get('root', Y.XmlText).insertEmbed(0, paragraph, {});
    paragraph.setAttribute('__type', 'paragraph');
    const node = new Y.Map<unknown>();
    paragraph.insertEmbed(0, node);
    node.set('__type', 'text');
    paragraph.insert(1, text);
  });
  return {
    doc,
    replace(length: number, by: string) {
      doc.transact(() => {
        paragraph.delete(paragraph.length - length, length);
        paragraph.insert(paragraph.length, by);
      });
    },
    destroy: () => doc.destroy(),
  };
}

describe('a description at a version', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  function renderDescriptionVersions(readOnly: boolean) {
    const board = newBoard();
    const cardId = addCard(board, { columnId: 'default-0', title: 'Release notes', createdBy: ada.id });
    const author = descriptionDoc('Ship on Friday');
    const version = Y.encodeStateAsUpdate(author.doc);
    author.replace('Friday'.length, 'Monday');
    const context: BoardContextValue = {
      doc: board,
      me: ada,
      mutation: { actor: ada.id },
      labelsById: new Map(),
      membersById: new Map(),
      readOnly,
      openCard: () => {},
      confirm: () => {},
    };
    render(
      <BoardContext.Provider value={context}>
        <DescriptionVersionsPanel
          boardId="b1"
          cardId={cardId}
          cardTitle="Release notes"
          description={author.doc}
          source={fakeSource(version)}
          onClose={() => {}}
        />
      </BoardContext.Provider>,
    );
    return { board, cardId, author };
  }

  it('[B16.1][B16.4] marks the words that differ, and restores the text with an entry in the feed', async () => {
    const { board, cardId, author } = renderDescriptionVersions(false);
    const dialog = screen.getByTestId('description-versions');
    fireEvent.click(await within(dialog).findByTestId('version-choice'));
    const text = await within(dialog).findByTestId('version-text');
    expect(text.textContent).toBe('Ship on FridayMonday');
    expect(text.querySelector('[data-diff="then"]')?.textContent).toBe('Friday');
    expect(text.querySelector('[data-diff="now"]')?.textContent).toBe('Monday');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore this description' }));
    await waitFor(() => expect(text.querySelector('[data-diff]')).toBeNull());
    expect(text.textContent).toBe('Ship on Friday');
    expect(readActivity(board)[0]).toMatchObject({ kind: 'card.descriptionReverted', card: { id: cardId } });
    author.destroy();
  });

  it('[B16.4] read-only: the diff is shown, Restore is not offered', async () => {
    const { author } = renderDescriptionVersions(true);
    const dialog = screen.getByTestId('description-versions');
    fireEvent.click(await within(dialog).findByTestId('version-choice'));
    await within(dialog).findByTestId('version-text');
    expect(within(dialog).queryByRole('button', { name: 'Restore this description' })).toBeNull();
    author.destroy();
  });
});

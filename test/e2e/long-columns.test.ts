/**
 * Long columns in Chromium: a column of hundreds of cards renders only those near its visible part
 * (client/board/card-window.ts), yet scrolling, Tab and keyboard drag reach every card.
 */
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addCard, addColumn, readBoard } from '../../shared/board';
import { boardRoom } from '../../shared/room-names';
import { cardNamed, column, createBoard, moveCardByKeyboard } from './support/board';
import { setupE2ESession } from './support/session';

const session = setupE2ESession();
const CARDS = 300;
/** client/board/card-window.ts WINDOW_FROM_CARDS: longer columns render a window of their cards. */
const WINDOW_FROM_CARDS = 50;

/** Another client (Node, the stock provider) on the board, which writes the long columns. */
async function seedLongColumn(boardId: string, extraColumns = 0) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(session.server.url.replace(/^http/, 'ws'), boardRoom(boardId), doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  doc.transact(() => {
    for (let i = 0; i < CARDS; i++) {
      addCard(doc, { columnId: 'default-0', title: `Card ${i + 1}`, createdBy: 'seeder' });
    }
    for (let c = 0; c < extraColumns; c++) {
      const columnId = addColumn(doc, { title: `Far ${c + 1}` });
      for (let i = 0; i < 60; i++)
        addCard(doc, { columnId, title: `Far ${c + 1}.${i + 1}`, createdBy: 'seeder' });
    }
  });
  return {
    doc,
    close: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Where the column and its row are, for a failure message. */
async function farGeometry(far: Locator): Promise<string> {
  const where = await far.evaluate((section) => {
    const rect = section.getBoundingClientRect();
    const row = section.closest('.board-columns');
    return `column left ${Math.round(rect.left)} px, width ${Math.round(rect.width)} px; row scrollLeft ${row?.scrollLeft ?? 'none'}`;
  });
  const viewport = far.page().viewportSize();
  return `${where}; viewport ${viewport?.width}×${viewport?.height}`;
}

/** Resolves once the document satisfies `holds` (checked after each update), or fails after 10 s. */
function whenDoc(doc: Y.Doc, holds: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!holds()) return;
      clearTimeout(timer);
      doc.off('update', check);
      resolve();
    };
    const timer = setTimeout(() => {
      doc.off('update', check);
      reject(new Error('the document never reached the expected state'));
    }, 10_000);
    doc.on('update', check);
    check();
  });
}

describe('long columns', () => {
  it('[long] a column of 300 cards renders a window of them; scrolling, Tab and a keyboard drag reach the last ones', async () => {
    const { page } = await session.newUser();
    const boardId = await createBoard(page);
    const seeder = await seedLongColumn(boardId);
    try {
      const todo = column(page, 'To do');
      await todo
        .locator('.column-count')
        .filter({ hasText: String(CARDS) })
        .waitFor();
      const rendered = await todo.getByRole('article').count();
      expect(rendered).toBeGreaterThan(3);
      expect(rendered).toBeLessThan(WINDOW_FROM_CARDS);

      // Tab walks on past the first window: focusing a card scrolls it into view, and the window follows.
      await cardNamed(todo, 'Card 1').locator('.card-open').focus();
      for (let i = 0; i < 2 * 40; i++) await page.keyboard.press('Tab');
      const focused = await page.evaluate(
        "document.activeElement?.closest('article')?.getAttribute('aria-label') ?? null",
      );
      expect(focused).toBe('Card 41');

      // The end of the column, by scrolling.
      await todo.locator('.card-list').evaluate((list) => {
        list.scrollTop = list.scrollHeight;
      });
      await cardNamed(todo, `Card ${CARDS}`).waitFor();
      expect(await todo.getByRole('article').count()).toBeLessThan(WINDOW_FROM_CARDS);

      // A keyboard drag at the end of the column moves the last card up one place, for everyone.
      await moveCardByKeyboard(page, `Card ${CARDS}`, ['ArrowUp']);
      await whenDoc(seeder.doc, () => {
        const titles = readBoard(seeder.doc).columns[0]?.cards.map((card) => card.title) ?? [];
        return titles.at(-2) === `Card ${CARDS}` && titles.at(-1) === `Card ${CARDS - 1}`;
      });
    } finally {
      seeder.close();
    }
  });

  it('[long] a long column scrolled out of view in the row renders no card until it comes into view', async () => {
    const { page } = await session.newUser();
    const boardId = await createBoard(page);
    const seeder = await seedLongColumn(boardId, 8);
    try {
      const far = column(page, 'Far 8');
      await far.locator('.column-count').filter({ hasText: '60' }).waitFor();
      // Awaited, not read once: the intersection observer settles a frame after the column mounts. The
      // message carries the geometry that decided it, should it ever render cards there.
      await expect
        .poll(() => far.getByRole('article').count(), {
          message: `cards rendered in a column out of view; ${await farGeometry(far)}`,
        })
        .toBe(0);
      // Its room is kept: the list scrolls as if every card were there.
      expect(await far.locator('.card-list').evaluate((list) => list.scrollHeight)).toBeGreaterThan(60 * 40);
      await far.scrollIntoViewIfNeeded();
      await cardNamed(far, 'Far 8.1').waitFor();
      expect(await far.getByRole('article').count()).toBeLessThan(WINDOW_FROM_CARDS);
    } finally {
      seeder.close();
    }
  });
});

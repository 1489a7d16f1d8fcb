/**
 * Seeded simulation: three browsers, each with a shared description document (as the DocHandle holds it),
 * an editor bound through the bridge, and a lossy, reordering link to a server document. Random edits,
 * partitions and editor remounts (close and reopen a card) must end with every editor showing the same
 * text, every inserted word exactly once (or not at all if its paragraph was deleted), and the Lexical
 * tree matching the Yjs tree. A failing seed is printed; keep it as a named case below.
 */
import { $createListItemNode, $createListNode, $isListItemNode } from '@lexical/list';
import { $createParagraphNode, $createTextNode, $getRoot, $isElementNode } from 'lexical';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createEditorBridge, type EditorBridge } from '../../../client/description/collab-bridge';
import { seededRandom } from '../../../shared/board/ids';
import { summarizeDescription } from '../../../shared/description-preview';
import { type BoundEditor, boundEditor, settle, sharedHandle } from './lexical-fixture';

interface Browser {
  shared: Y.Doc;
  awareness: Awareness;
  bridge: EditorBridge;
  editor: BoundEditor;
  /** Updates waiting to reach the server / to arrive from it. */
  outbox: Uint8Array[];
  inbox: Uint8Array[];
  online: boolean;
}

const toDestroy: (() => void)[] = [];
afterEach(() => {
  for (const destroy of toDestroy.splice(0)) destroy();
});

let nextClientId = 1;

function mount(
  browser: Pick<Browser, 'shared' | 'awareness'>,
  direct = false,
): { bridge: EditorBridge; editor: BoundEditor } {
  if (direct) {
    const editor = boundEditor(browser.shared, { flushRemote: false });
    toDestroy.push(() => editor.destroy());
    return {
      bridge: { editorDoc: browser.shared, provider: {} as EditorBridge['provider'], attached: true },
      editor,
    };
  }
  const bridge = createEditorBridge(sharedHandle(browser.shared, browser.awareness));
  // Deterministic client ids: concurrent inserts are ordered by client id, so a seed must fix them.
  bridge.editorDoc.clientID = nextClientId++;
  const editor = boundEditor(bridge.editorDoc, { flushRemote: false });
  toDestroy.push(() => editor.destroy());
  bridge.provider.connect();
  return { bridge, editor };
}

async function runSimulation(seed: number, steps = 80, direct = false): Promise<void> {
  nextClientId = 1000;
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const server = new Y.Doc();
  const serverOrigin = Symbol('server');
  const browsers: Browser[] = [];
  for (let i = 0; i < 3; i += 1) {
    const shared = new Y.Doc();
    shared.clientID = i + 1;
    const awareness = new Awareness(shared);
    toDestroy.push(() => awareness.destroy());
    const browser = { shared, awareness, outbox: [], inbox: [], online: true } as unknown as Browser;
    shared.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== serverOrigin) browser.outbox.push(update);
    });
    Object.assign(browser, mount(browser, direct));
    browsers.push(browser);
  }
  server.on('update', (update: Uint8Array, origin: unknown) => {
    for (const browser of browsers) if (origin !== browser) browser.inbox.push(update);
  });

  const deliverSome = (browser: Browser, all: boolean) => {
    if (!browser.online) return;
    // Reordered, partial delivery in both directions.
    while (browser.outbox.length > 0 && (all || random() < 0.6)) {
      const index = all ? 0 : Math.floor(random() * browser.outbox.length);
      const [update] = browser.outbox.splice(index, 1);
      if (update) Y.applyUpdate(server, update, browser);
    }
    while (browser.inbox.length > 0 && (all || random() < 0.6)) {
      const index = all ? 0 : Math.floor(random() * browser.inbox.length);
      const [update] = browser.inbox.splice(index, 1);
      if (update) Y.applyUpdate(browser.shared, update, serverOrigin);
    }
  };

  let wordCounter = 0;
  let remounts = 0;
  const inserted = new Set<string>();
  const word = () => {
    wordCounter += 1;
    const w = `w${seed}x${wordCounter}`;
    inserted.add(w);
    return w;
  };

  for (let step = 0; step < steps; step += 1) {
    const browser = pick(browsers);
    if (!browser) continue;
    const roll = random();
    if (roll < 0.3) {
      const text = word();
      browser.editor.update(() => {
        $getRoot().append($createParagraphNode().append($createTextNode(text)));
      });
    } else if (roll < 0.45) {
      const text = word();
      browser.editor.update(() => {
        const target = pick($getRoot().getChildren().filter($isElementNode));
        const leaf = target?.getLastDescendant();
        if (target && leaf && !$isElementNode(leaf) && leaf.getType() === 'text') {
          leaf.selectEnd().insertText(` ${text}`);
        } else {
          $getRoot().append($createParagraphNode().append($createTextNode(text)));
        }
      });
    } else if (roll < 0.52) {
      browser.editor.update(() => {
        const children = $getRoot().getChildren();
        if (children.length > 1) pick(children)?.remove();
      });
    } else if (roll < 0.55) {
      // Select all and delete: Lexical re-adds an empty paragraph on every editor that sees it empty.
      browser.editor.update(() => $getRoot().clear());
    } else if (roll < 0.65) {
      const text = word();
      browser.editor.update(() => {
        const list = $createListNode('check');
        list.append($createListItemNode(random() < 0.5).append($createTextNode(text)));
        $getRoot().append(list);
      });
    } else if (roll < 0.7) {
      browser.editor.update(() => {
        const item = pick(
          $getRoot()
            .getAllTextNodes()
            .map((node) => node.getParent()),
        );
        if ($isListItemNode(item)) item.toggleChecked();
      });
    } else if (roll < 0.78 && !direct) {
      // Close and reopen the card: the old editor disconnects, a new one hydrates from the shared doc.
      remounts += 1;
      browser.bridge.provider.disconnect();
      browser.editor.destroy();
      Object.assign(browser, mount(browser));
    } else if (roll < 0.86) {
      browser.online = !browser.online;
    } else {
      deliverSome(browser, false);
    }
    if (random() < 0.5) for (const other of browsers) deliverSome(other, false);
    // Let Lexical commit what arrived (it does so in a microtask, as in a browser).
    await settle();
  }

  for (const browser of browsers) browser.online = true;
  for (let round = 0; round < 3; round += 1) {
    for (const browser of browsers) deliverSome(browser, true);
    await settle();
  }

  const texts = browsers.map((browser) =>
    browser.editor.editor.getEditorState().read(() => $getRoot().getTextContent()),
  );
  const context = `seed ${seed}`;
  expect(texts[1], context).toBe(texts[0]);
  expect(texts[2], context).toBe(texts[0]);
  const summaries = browsers.map((browser) => summarizeDescription(browser.shared));
  expect(summaries[1], context).toEqual(summaries[0]);
  expect(summaries[2], context).toEqual(summaries[0]);
  for (const browser of browsers) {
    // The editor's document says the same as the shared one (the bridge lost nothing).
    expect(summarizeDescription(browser.bridge.editorDoc), context).toEqual(
      summarizeDescription(browser.shared),
    );
  }
  const all = texts[0] ?? '';
  if (!direct) {
    // Blank paragraphs re-added by several editors at once are collapsed to one.
    const blocks = browsers[0]!.editor.editor.getEditorState().read(() => $getRoot().getChildren());
    if (all.trim() === '') expect(blocks.length, `${context}: blank description`).toBeLessThanOrEqual(1);
  }
  expect(all.length, `${context}: the run left some text`).toBeGreaterThan(0);
  if (direct) expect(remounts, `${context}: the control never remounts`).toBe(0);
  else expect(remounts, `${context}: editors were remounted`).toBeGreaterThan(0);
  for (const w of inserted) {
    const occurrences = all.split(new RegExp(`\\b${w}\\b`)).length - 1;
    expect(occurrences, `${context}: ${w}`).toBeLessThanOrEqual(1);
  }
  // A fresh editor opened on the converged document shows the same text.
  const fresh = mount({ shared: browsers[0]!.shared, awareness: browsers[0]!.awareness });
  await settle();
  expect(
    fresh.editor.editor.getEditorState().read(() => $getRoot().getTextContent()),
    context,
  ).toBe(all);
}

describe('bridge simulation: random edits, partitions and remounts over three replicas', () => {
  for (let seed = 1; seed <= 30; seed += 1) {
    it(`seed ${seed} converges with every word at most once`, () => runSimulation(seed));
  }
  // The same property for editors bound straight to the shared document (the stock setup, no remounts):
  // a baseline for Lexical upgrades, showing the bridge adds no divergence of its own.
  for (let seed = 1; seed <= 10; seed += 1) {
    it(`control without the bridge, seed ${seed}`, () => runSimulation(seed, 80, true));
  }
});

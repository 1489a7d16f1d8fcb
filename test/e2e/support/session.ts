import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Participant } from '../../../shared/presence';
import type { ServerConfig } from '../../../sync-server/config';
import type { StartOptions } from '../../../sync-server/server';
import { type AppServer, startAppServer } from './app-server';
import { type LaunchedBrowser, launchChromium } from './chromium';

const ARTIFACTS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../artifacts');

export interface User {
  context: BrowserContext;
  page: Page;
  identity: Participant | null;
}

export interface E2ESession {
  readonly server: AppServer;
  /**
   * A new browser context (its own storage, IndexedDB, service worker) with one page; `options` for a phone
   * (viewport, touch) or a colour scheme.
   */
  newUser(identity?: Participant | null, options?: BrowserContextOptions): Promise<User>;
}

const IDENTITY_KEY = 'trellis.identity';

/**
 * Per test file: one server and one browser. Per test: fresh contexts, screenshots of every open
 * page into test/artifacts/ when the test failed, then the contexts are closed.
 */
export function setupE2ESession(
  serverConfig: Partial<ServerConfig> = {},
  serverOptions: Pick<StartOptions, 'clock'> = {},
): E2ESession {
  let server: AppServer | null = null;
  let launched: LaunchedBrowser | null = null;
  let users: User[] = [];
  let currentTest = 'test';

  beforeAll(async () => {
    launched = await launchChromium();
    server = await startAppServer(serverConfig, serverOptions);
  });

  beforeEach(async (context) => {
    currentTest = context.task.name;
    // A test that stopped the server must not leave the next one without it.
    if (server && !server.running) await server.start();
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      const base = currentTest
        .replace(/[^A-Za-z0-9_-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80);
      await Promise.all(
        users.map((user, index) =>
          user.page
            .screenshot({ path: join(ARTIFACTS_DIR, `${base}-user${index + 1}.png`), fullPage: true })
            .catch(() => undefined),
        ),
      );
    }
    await Promise.all(users.map((user) => user.context.close().catch(() => undefined)));
    users = [];
  });

  afterAll(async () => {
    await server?.dispose();
    await launched?.close();
  });

  return {
    get server() {
      if (server === null) throw new Error('E2E server not started (used outside a test?)');
      return server;
    },
    async newUser(identity = defaultIdentity(users.length), options = {}) {
      if (launched === null || server === null) throw new Error('E2E browser not launched');
      const context = await launched.browser.newContext({ ...options, baseURL: server.url });
      if (identity !== null) {
        // Skip the first-visit form: the identity is what that form would have stored.
        const key = JSON.stringify(IDENTITY_KEY);
        const value = JSON.stringify(JSON.stringify(identity));
        await context.addInitScript({
          content: `if (localStorage.getItem(${key}) === null) localStorage.setItem(${key}, ${value});`,
        });
      }
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const user: User = { context, page, identity };
      users.push(user);
      return user;
    },
  };
}

const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'];
const COLORS = ['#d9480f', '#1971c2', '#2b8a3e'];

function defaultIdentity(index: number): Participant {
  return {
    id: `e2e-user-${index + 1}`,
    name: NAMES[index % NAMES.length] ?? `User ${index + 1}`,
    color: COLORS[index % COLORS.length] ?? '#5f3dc4',
  };
}

/**
 * Reading a room's history over HTTP as a browser does (S13), for the history tests on one server
 * and scaled out.
 */
import { expect } from 'vitest';
import * as Y from 'yjs';
import type { TestServer } from './harness';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** One version as `GET /history/<room>` lists it. */
export interface Listed {
  time: number;
  size: number;
  tier: string;
}

/** The room's versions, newest first. */
export async function list(server: TestServer, room: string): Promise<Listed[]> {
  const response = await fetch(`${server.url}/history/${room}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { versions: Listed[] }).versions;
}

/** The version at or before `time` (epoch milliseconds or ISO 8601), as a Yjs update. */
export async function fetchVersion(
  server: TestServer,
  room: string,
  time: number | string,
): Promise<Uint8Array> {
  const response = await fetch(`${server.url}/history/${room}/${time}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

/** The text (`t`) of the document an update builds. */
export function textOf(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

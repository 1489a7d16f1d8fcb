/** Labels: add, rename or recolour, delete (taken off every card). */
import * as Y from 'yjs';
import { activityRef } from '../activity';
import { defaultRandom, newId } from '../ids';
import { childMap, LABEL_KEY_PREFIX, stringField } from '../schema';
import { cleanColor, cleanText, type MutationOptions, newMap, note, run, setIfChanged } from './common';

export const MAX_LABEL_NAME_LENGTH = 50;

/** Colours offered for labels (any `#rrggbb` is accepted). */
export const LABEL_COLORS: readonly string[] = [
  '#e03131',
  '#f08c00',
  '#f5c400',
  '#2f9e44',
  '#1c7ed6',
  '#7048e8',
  '#c2255c',
  '#868e96',
];

export interface LabelInput {
  name: string;
  color: string;
}

/** Adds a label; returns its id. */
export function addLabel(doc: Y.Doc, input: LabelInput, opts?: MutationOptions): string {
  const name = cleanText(input.name, MAX_LABEL_NAME_LENGTH, 'label name');
  const color = cleanColor(input.color);
  const random = opts?.random ?? defaultRandom;
  return run(doc, opts, (r) => {
    const id = newId(random);
    r.labels.set(id, newMap({ name, color }));
    note(doc, opts, { kind: 'label.added', label: activityRef(id, name) });
    return id;
  });
}

export function updateLabel(
  doc: Y.Doc,
  labelId: string,
  patch: Partial<LabelInput>,
  opts?: MutationOptions,
): boolean {
  const name =
    patch.name === undefined ? undefined : cleanText(patch.name, MAX_LABEL_NAME_LENGTH, 'label name');
  const color = patch.color === undefined ? undefined : cleanColor(patch.color);
  return run(doc, opts, (r) => {
    const label = childMap(r.labels as Y.Map<unknown>, labelId);
    if (!label) return false;
    const from = stringField(label, 'name');
    let changed = false;
    if (name !== undefined) changed = setIfChanged(label, 'name', name) || changed;
    if (color !== undefined) changed = setIfChanged(label, 'color', color) || changed;
    if (changed) {
      note(doc, opts, {
        kind: 'label.changed',
        label: activityRef(labelId, stringField(label, 'name')),
        from,
      });
    }
    return changed;
  });
}

/** Deletes a label and takes it off every card (a card labelled concurrently just stops showing it). */
export function deleteLabel(doc: Y.Doc, labelId: string, opts?: MutationOptions): boolean {
  return run(doc, opts, (r) => {
    const label = childMap(r.labels as Y.Map<unknown>, labelId);
    if (!r.labels.has(labelId)) return false;
    note(doc, opts, {
      kind: 'label.deleted',
      label: activityRef(labelId, label ? stringField(label, 'name') : ''),
    });
    r.labels.delete(labelId);
    const key = LABEL_KEY_PREFIX + labelId;
    r.cards.forEach((card) => {
      if (card instanceof Y.Map && card.has(key)) card.delete(key);
    });
    return true;
  });
}

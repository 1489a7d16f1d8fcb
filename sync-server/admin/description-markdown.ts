/**
 * Renders a card description (a Lexical editor state synced through @lexical/yjs) as Markdown, for
 * exports and `inspect`. It reads the Yjs tree directly, so the server needs no editor: blocks are
 * XmlText nodes with a `__type` attribute, text runs are strings preceded by a Map holding the text
 * node's properties (`__format` bits: 1 bold, 2 italic, 4 strikethrough, 16 code); the layout is
 * described in shared/description-preview.ts. Anything it does not know is rendered as its plain text.
 */
import * as Y from 'yjs';
import { descriptionRoot } from '../../shared/description-preview';
import { escapeMarkdown } from './markdown-text';

const BOLD = 1;
const ITALIC = 2;
const STRIKETHROUGH = 4;
const CODE = 16;

export interface DescriptionMarkdownOptions {
  /**
   * Levels to add to every heading, so a description placed under a card's heading stays below it
   * in the outline (capped at h6).
   */
  headingOffset?: number;
}

export function descriptionToMarkdown(doc: Y.Doc, options: DescriptionMarkdownOptions = {}): string {
  const blocks = renderBlocks(descriptionRoot(doc), '', options.headingOffset ?? 0);
  return blocks
    .join('\n\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

type DeltaOp = { insert: string | object };

function children(node: Y.XmlText): DeltaOp[] {
  return node.toDelta() as DeltaOp[];
}

function attr(node: Y.XmlText, name: string): unknown {
  return node.getAttribute(name);
}

function renderBlocks(parent: Y.XmlText, indent: string, headingOffset: number): string[] {
  const out: string[] = [];
  for (const op of children(parent)) {
    if (op.insert instanceof Y.XmlText) out.push(renderBlock(op.insert, indent, headingOffset));
  }
  return out;
}

function renderBlock(node: Y.XmlText, indent: string, headingOffset: number): string {
  const type = attr(node, '__type');
  switch (type) {
    case 'heading': {
      const level = Number(String(attr(node, '__tag') ?? 'h1').slice(1)) || 1;
      return `${'#'.repeat(Math.min(6, level + headingOffset))} ${renderInline(node)}`;
    }
    case 'quote':
      return renderInline(node)
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'code':
      return `\`\`\`${String(attr(node, '__language') ?? '')}\n${renderInline(node, true)}\n\`\`\``;
    case 'list':
      return renderList(node, indent);
    default:
      return renderInline(node);
  }
}

function renderList(list: Y.XmlText, indent: string): string {
  const listType = attr(list, '__listType');
  const lines: string[] = [];
  let n = Number(attr(list, '__start') ?? 1) || 1;
  for (const op of children(list)) {
    if (!(op.insert instanceof Y.XmlText)) continue;
    const item = op.insert;
    const nested = children(item).filter(
      (child) => child.insert instanceof Y.XmlText && attr(child.insert, '__type') === 'list',
    );
    if (nested.length > 0) {
      // A list item that only wraps a nested list (Lexical's shape for indentation).
      for (const child of nested) lines.push(renderList(child.insert as Y.XmlText, `${indent}  `));
      continue;
    }
    const marker =
      listType === 'number'
        ? `${n++}.`
        : listType === 'check'
          ? `- [${attr(item, '__checked') === true ? 'x' : ' '}]`
          : '-';
    lines.push(`${indent}${marker} ${renderInline(item)}`);
  }
  return lines.join('\n');
}

function renderInline(node: Y.XmlText, raw = false): string {
  let text = '';
  let format = 0;
  for (const op of children(node)) {
    const insert = op.insert;
    if (typeof insert === 'string') {
      text += raw ? insert : wrap(insert, format);
    } else if (insert instanceof Y.Map) {
      if (insert.get('__type') === 'linebreak') text += '\n';
      format = Number(insert.get('__format') ?? 0);
    } else if (insert instanceof Y.XmlText) {
      const inner = renderInline(insert, raw);
      const url = attr(insert, '__url');
      text += typeof url === 'string' && !raw ? `[${inner}](${url})` : inner;
    }
  }
  return text;
}

function wrap(text: string, format: number): string {
  if (text === '') return text;
  if (format & CODE) return `\`${text}\``;
  let out = escapeMarkdown(text);
  if (format & BOLD) out = `**${out}**`;
  if (format & ITALIC) out = `*${out}*`;
  if (format & STRIKETHROUGH) out = `~~${out}~~`;
  return out;
}

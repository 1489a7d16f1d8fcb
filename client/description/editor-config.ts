import { CodeHighlightNode, CodeNode } from '@lexical/code';
import { AutoLinkNode, LinkNode } from '@lexical/link';
import { ListItemNode, ListNode } from '@lexical/list';
import {
  CHECK_LIST,
  ELEMENT_TRANSFORMERS,
  MULTILINE_ELEMENT_TRANSFORMERS,
  TEXT_FORMAT_TRANSFORMERS,
  TEXT_MATCH_TRANSFORMERS,
  type Transformer,
} from '@lexical/markdown';
import { HeadingNode, QuoteNode } from '@lexical/rich-text';
import type { EditorThemeClasses, Klass, LexicalNode } from 'lexical';

/**
 * Every node a description can hold. Markdown shortcuts and HTML paste only create registered nodes, so
 * this list must cover what the transformers below produce (CodeNode and CodeHighlightNode included).
 */
export const DESCRIPTION_NODES: readonly Klass<LexicalNode>[] = [
  HeadingNode,
  QuoteNode,
  ListNode,
  ListItemNode,
  LinkNode,
  AutoLinkNode,
  CodeNode,
  CodeHighlightNode,
];

/** `[] ` and `- [x] ` must be tried before `- `, which would otherwise make a bullet list. */
export const DESCRIPTION_TRANSFORMERS: Transformer[] = [
  CHECK_LIST,
  ...ELEMENT_TRANSFORMERS,
  ...MULTILINE_ELEMENT_TRANSFORMERS,
  ...TEXT_FORMAT_TRANSFORMERS,
  ...TEXT_MATCH_TRANSFORMERS,
];

export const DESCRIPTION_THEME: EditorThemeClasses = {
  paragraph: 'desc-paragraph',
  quote: 'desc-quote',
  heading: { h1: 'desc-h1', h2: 'desc-h2', h3: 'desc-h3', h4: 'desc-h4', h5: 'desc-h5', h6: 'desc-h6' },
  list: {
    ul: 'desc-ul',
    ol: 'desc-ol',
    checklist: 'desc-checklist',
    listitem: 'desc-listitem',
    listitemChecked: 'desc-listitem-checked',
    listitemUnchecked: 'desc-listitem-unchecked',
    nested: { listitem: 'desc-nested-listitem' },
  },
  link: 'desc-link',
  code: 'desc-code',
  text: {
    bold: 'desc-bold',
    italic: 'desc-italic',
    underline: 'desc-underline',
    strikethrough: 'desc-strikethrough',
    underlineStrikethrough: 'desc-underline-strikethrough',
    code: 'desc-inline-code',
    highlight: 'desc-highlight',
  },
  collaboration: {
    cursor: 'desc-remote-cursor',
    cursorName: 'desc-remote-cursor-name',
    selection: 'desc-remote-selection',
    selectionBg: 'desc-remote-selection-bg',
  },
};

const SAFE_URL = /^(https?:|mailto:|tel:)/i;

/** Links keep to web, mail and phone: a pasted `javascript:` URL must never become clickable. */
export function isSafeUrl(url: string): boolean {
  return SAFE_URL.test(url.trim());
}

/** Turns what someone typed into the link box into a URL, adding https:// to a bare host. */
export function normalizeUrl(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  if (isSafeUrl(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return null;
  return `https://${trimmed}`;
}

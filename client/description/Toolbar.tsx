import { $createCodeNode, $isCodeNode } from '@lexical/code';
import { $isLinkNode, TOGGLE_LINK_COMMAND } from '@lexical/link';
import {
  $isListNode,
  INSERT_CHECK_LIST_COMMAND,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  ListNode,
  REMOVE_LIST_COMMAND,
} from '@lexical/list';
import { $createHeadingNode, $createQuoteNode, $isHeadingNode, $isQuoteNode } from '@lexical/rich-text';
import { $setBlocksType } from '@lexical/selection';
import { $findMatchingParent, $getNearestNodeOfType } from '@lexical/utils';
import {
  $createParagraphNode,
  $getSelection,
  $isRangeSelection,
  $isRootOrShadowRoot,
  CAN_REDO_COMMAND,
  CAN_UNDO_COMMAND,
  COMMAND_PRIORITY_LOW,
  FORMAT_TEXT_COMMAND,
  type LexicalEditor,
  mergeRegister,
  REDO_COMMAND,
  type TextFormatType,
  UNDO_COMMAND,
} from 'lexical';
import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';
import { normalizeUrl } from './editor-config';

export type BlockType = 'paragraph' | 'h1' | 'h2' | 'h3' | 'quote' | 'code' | 'bullet' | 'number' | 'check';

const BLOCK_LABELS: Record<BlockType, string> = {
  paragraph: 'Text',
  h1: 'Heading 1',
  h2: 'Heading 2',
  h3: 'Heading 3',
  quote: 'Quote',
  code: 'Code block',
  bullet: 'Bulleted list',
  number: 'Numbered list',
  check: 'Checklist',
};

const FORMATS: readonly { format: TextFormatType; label: string; text: string }[] = [
  { format: 'bold', label: 'Bold', text: 'B' },
  { format: 'italic', label: 'Italic', text: 'I' },
  { format: 'underline', label: 'Underline', text: 'U' },
  { format: 'strikethrough', label: 'Strikethrough', text: 'S' },
  { format: 'code', label: 'Inline code', text: '</>' },
];

interface ToolbarState {
  block: BlockType;
  formats: ReadonlySet<TextFormatType>;
  link: boolean;
}

const INITIAL: ToolbarState = { block: 'paragraph', formats: new Set(), link: false };

function readToolbarState(): ToolbarState {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return INITIAL;
  const formats = new Set(FORMATS.filter(({ format }) => selection.hasFormat(format)).map((f) => f.format));
  const anchor = selection.anchor.getNode();
  const link = $isLinkNode(anchor) || $isLinkNode(anchor.getParent());
  const top =
    anchor.getKey() === 'root'
      ? null
      : $findMatchingParent(anchor, (node) => {
          const parent = node.getParent();
          return parent !== null && $isRootOrShadowRoot(parent);
        });
  let block: BlockType = 'paragraph';
  if ($isListNode(top)) {
    const list = $getNearestNodeOfType(anchor, ListNode) ?? top;
    block = list.getListType();
  } else if ($isHeadingNode(top)) {
    const tag = top.getTag();
    block = tag === 'h1' || tag === 'h2' || tag === 'h3' ? tag : 'h3';
  } else if ($isQuoteNode(top)) {
    block = 'quote';
  } else if ($isCodeNode(top)) {
    block = 'code';
  }
  return { block, formats, link };
}

function sameToolbarState(a: ToolbarState, b: ToolbarState): boolean {
  return (
    a.block === b.block &&
    a.link === b.link &&
    a.formats.size === b.formats.size &&
    [...a.formats].every((format) => b.formats.has(format))
  );
}

function setBlock(editor: LexicalEditor, current: BlockType, next: BlockType): void {
  if (next === 'bullet' || next === 'number' || next === 'check') {
    if (current === next) editor.dispatchCommand(REMOVE_LIST_COMMAND, undefined);
    else if (next === 'bullet') editor.dispatchCommand(INSERT_UNORDERED_LIST_COMMAND, undefined);
    else if (next === 'number') editor.dispatchCommand(INSERT_ORDERED_LIST_COMMAND, undefined);
    else editor.dispatchCommand(INSERT_CHECK_LIST_COMMAND, undefined);
    return;
  }
  editor.update(() => {
    const selection = $getSelection();
    if (!$isRangeSelection(selection)) return;
    const target = current === next ? 'paragraph' : next;
    $setBlocksType(selection, () => {
      switch (target) {
        case 'h1':
        case 'h2':
        case 'h3':
          return $createHeadingNode(target);
        case 'quote':
          return $createQuoteNode();
        case 'code':
          return $createCodeNode();
        default:
          return $createParagraphNode();
      }
    });
  });
}

/** Keeps the editor's selection: a toolbar click must not move focus out of the text. */
const keepSelection = (event: MouseEvent) => event.preventDefault();

function ToolButton(props: {
  label: string;
  active?: boolean;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={props.active ? 'desc-tool active' : 'desc-tool'}
      title={props.label}
      aria-pressed={props.active}
      disabled={props.disabled}
      onMouseDown={keepSelection}
      onClick={props.onClick}
    >
      {/* The glyph ("B", "1.") is what shows; the name comes from the hidden words, so they never disagree. */}
      <span aria-hidden="true">{props.children}</span>
      <span className="visually-hidden">{props.label}</span>
    </button>
  );
}

export function Toolbar({ editor }: { editor: LexicalEditor }) {
  const [state, setState] = useState<ToolbarState>(INITIAL);
  const [canUndo, setCanUndo] = useState(false);
  const [canRedo, setCanRedo] = useState(false);

  useEffect(
    () =>
      mergeRegister(
        editor.registerUpdateListener(({ editorState }) => {
          const next = editorState.read(readToolbarState);
          setState((current) => (sameToolbarState(current, next) ? current : next));
        }),
        editor.registerCommand(
          CAN_UNDO_COMMAND,
          (payload) => {
            setCanUndo(payload);
            return false;
          },
          COMMAND_PRIORITY_LOW,
        ),
        editor.registerCommand(
          CAN_REDO_COMMAND,
          (payload) => {
            setCanRedo(payload);
            return false;
          },
          COMMAND_PRIORITY_LOW,
        ),
      ),
    [editor],
  );

  const editLink = () => {
    if (state.link) {
      editor.dispatchCommand(TOGGLE_LINK_COMMAND, null);
      return;
    }
    const url = normalizeUrl(window.prompt('Link to (https://…)') ?? '');
    if (url !== null) editor.dispatchCommand(TOGGLE_LINK_COMMAND, url);
  };

  return (
    <div className="desc-toolbar" role="toolbar" aria-label="Formatting">
      <select
        aria-label="Block type"
        value={state.block}
        onChange={(event) => setBlock(editor, state.block, event.target.value as BlockType)}
      >
        {(Object.keys(BLOCK_LABELS) as BlockType[]).map((block) => (
          <option key={block} value={block}>
            {BLOCK_LABELS[block]}
          </option>
        ))}
      </select>
      {FORMATS.map(({ format, label, text }) => (
        <ToolButton
          key={format}
          label={label}
          active={state.formats.has(format)}
          onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, format)}
        >
          <span className={`desc-tool-${format}`}>{text}</span>
        </ToolButton>
      ))}
      <ToolButton
        label="Bulleted list"
        active={state.block === 'bullet'}
        onClick={() => setBlock(editor, state.block, 'bullet')}
      >
        •
      </ToolButton>
      <ToolButton
        label="Numbered list"
        active={state.block === 'number'}
        onClick={() => setBlock(editor, state.block, 'number')}
      >
        1.
      </ToolButton>
      <ToolButton
        label="Checklist"
        active={state.block === 'check'}
        onClick={() => setBlock(editor, state.block, 'check')}
      >
        ☑
      </ToolButton>
      <ToolButton label={state.link ? 'Remove link' : 'Link'} active={state.link} onClick={editLink}>
        Link
      </ToolButton>
      <ToolButton
        label="Undo"
        disabled={!canUndo}
        onClick={() => editor.dispatchCommand(UNDO_COMMAND, undefined)}
      >
        ↶
      </ToolButton>
      <ToolButton
        label="Redo"
        disabled={!canRedo}
        onClick={() => editor.dispatchCommand(REDO_COMMAND, undefined)}
      >
        ↷
      </ToolButton>
    </div>
  );
}

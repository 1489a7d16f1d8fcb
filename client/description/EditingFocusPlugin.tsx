import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { BLUR_COMMAND, COMMAND_PRIORITY_LOW, FOCUS_COMMAND, mergeRegister } from 'lexical';
import { useEffect, useRef } from 'react';

/**
 * Reports focus changes of the editor (true on focus, false on blur and on unmount while focused), so
 * the board can publish `editingCardId` in its awareness.
 */
export function EditingFocusPlugin({ onEditingChange }: { onEditingChange: (editing: boolean) => void }) {
  const [editor] = useLexicalComposerContext();
  const callback = useRef(onEditingChange);
  callback.current = onEditingChange;

  useEffect(() => {
    let editing = false;
    const report = (next: boolean) => {
      if (next === editing) return;
      editing = next;
      callback.current(next);
    };
    const stop = mergeRegister(
      editor.registerCommand(
        FOCUS_COMMAND,
        () => {
          report(true);
          return false;
        },
        COMMAND_PRIORITY_LOW,
      ),
      editor.registerCommand(
        BLUR_COMMAND,
        () => {
          report(false);
          return false;
        },
        COMMAND_PRIORITY_LOW,
      ),
    );
    return () => {
      stop();
      report(false);
    };
  }, [editor]);
  return null;
}

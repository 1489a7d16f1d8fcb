import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { useEffect } from 'react';
import { isSafeUrl } from './editor-config';

/**
 * Ctrl/Cmd+click follows a link in a new tab. A plain click only places the caret: in a description being
 * edited, a click on a link is usually meant to change its text (ClickableLinkPlugin would follow it).
 */
export function OpenLinkPlugin() {
  const [editor] = useLexicalComposerContext();
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
      const href = anchor?.getAttribute('href');
      if (!href || !isSafeUrl(href)) return;
      event.preventDefault();
      window.open(href, '_blank', 'noopener,noreferrer');
    };
    // Lexical calls the returned cleanup when the root changes and on unregister.
    return editor.registerRootListener((root) => {
      if (root === null) return;
      root.addEventListener('click', onClick);
      return () => root.removeEventListener('click', onClick);
    });
  }, [editor]);
  return null;
}

import { type ReactNode, useEffect, useId, useRef } from 'react';
import { AppIcon } from './AppIcon';

/**
 * A modal dialog on the native `<dialog>` element: `showModal()` makes the rest of the page inert, keeps
 * Tab inside the dialog and closes on Escape, which a hand-written focus trap would have to imitate. Focus
 * goes back to whatever had it before the dialog opened.
 */
export function Modal({
  title,
  onClose,
  children,
  className = '',
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    return () => {
      if (dialog?.open) dialog.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`app-modal ${className}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        // Escape: React owns whether the dialog is shown.
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content box) closes it.
        if (event.target === ref.current) onClose();
      }}
      onKeyDown={(event) => {
        // Kept from reaching the page's own shortcuts (undo, board keys) while the dialog is open.
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onClose();
        } else if (event.key === 'Tab' && ref.current) {
          // Tab wraps around inside the dialog instead of leaving for the browser's own controls.
          const stops = focusable(ref.current);
          const first = stops[0];
          const last = stops[stops.length - 1];
          if (!first || !last) return;
          if (event.shiftKey && document.activeElement === first) {
            event.preventDefault();
            last.focus();
          } else if (!event.shiftKey && document.activeElement === last) {
            event.preventDefault();
            first.focus();
          }
        }
      }}
    >
      <div className="app-modal-body">
        <header className="app-modal-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-only" onClick={onClose} aria-label="Close">
            <AppIcon name="close" />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The dialog's Tab stops, in order (visible ones only). */
function focusable(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => element.getClientRects().length > 0 || element === document.activeElement,
  );
}

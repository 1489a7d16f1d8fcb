import { useEffect, useRef } from 'react';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
}

/** A modal confirmation for destructive actions. Focus starts on Cancel; Escape cancels. */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest; onClose: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div className="board-modal-backdrop">
      <div
        className="board-confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="board-confirm-title"
        aria-describedby="board-confirm-message"
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id="board-confirm-title">{request.title}</h2>
        <p id="board-confirm-message">{request.message}</p>
        <div className="board-confirm-actions">
          <button type="button" ref={cancelRef} onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              onClose();
              request.onConfirm();
            }}
          >
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

import type { CardSnapshot } from '../../shared/board';
import { useBoardContext } from '../board/context';
import { useSeenComments } from './comments-seen';
import { useComments } from './comments-state';

/** The comment count on a card's tile, with a mark when some were not shown in this browser yet. */
export function CardCommentCount({ card, boardId }: { card: CardSnapshot; boardId: string }) {
  const { doc, me } = useBoardContext();
  const comments = useComments(doc, card.id);
  const seen = useSeenComments(boardId, card.id);
  if (comments.length === 0) return null;
  const unread = comments.filter((c) => c.author !== me.id && !seen.includes(c.id)).length;
  const label = `${comments.length} ${comments.length === 1 ? 'comment' : 'comments'}${unread > 0 ? `, ${unread} unread` : ''}`;
  return (
    <span
      className={`card-comments${unread > 0 ? ' unread' : ''}`}
      data-testid="card-comments"
      data-count={comments.length}
      data-unread={unread}
      title={label}
    >
      <span aria-hidden="true">💬 {comments.length}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

import { useEffect, useMemo, useState } from 'react';
import {
  addComment,
  type CommentSnapshot,
  deleteComment,
  editComment,
  MAX_COMMENT_LENGTH,
  splitMentions,
} from '../../shared/board/comments';
import { timeAgo } from '../app/relative-time';
import { useBoardContext } from '../board/context';
import { markCommentsSeen } from './comments-seen';
import { useComments } from './comments-state';
import { type Mentionable, MentionInput } from './MentionInput';

/**
 * A card's comment thread below its description (B27–B29): author, relative time (exact on hover), text with
 * highlighted @mentions; edit and delete one's own; a composer with @mention autocomplete. Read-only viewers
 * read only. Showing the thread marks its comments as seen in this browser.
 */
export function CommentThread({ boardId, cardId }: { boardId: string; cardId: string }) {
  const { doc, me, readOnly, membersById } = useBoardContext();
  const comments = useComments(doc, cardId);
  const members = useMemo<Mentionable[]>(
    () =>
      [...membersById.values()]
        .map((m) => ({ id: m.id, name: m.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [membersById],
  );
  useEffect(() => {
    markCommentsSeen(
      boardId,
      cardId,
      comments.map((c) => c.id),
    );
  }, [boardId, cardId, comments]);

  return (
    <section className="comments" aria-label="Comments" data-testid="comments">
      <h3>Comments{comments.length > 0 ? ` (${comments.length})` : ''}</h3>
      {comments.length === 0 ? <p className="empty">No comments yet.</p> : null}
      <ol className="comment-list">
        {comments.map((comment) => (
          <CommentItem key={comment.id} comment={comment} members={members} />
        ))}
      </ol>
      {readOnly ? null : (
        <CommentComposer
          members={members}
          label="Add a comment"
          submitLabel="Comment"
          onSubmit={(text, mentions) => addComment(doc, { cardId, author: me.id, text, mentions }) !== null}
        />
      )}
    </section>
  );
}

function CommentItem({ comment, members }: { comment: CommentSnapshot; members: readonly Mentionable[] }) {
  const { doc, me, readOnly, membersById } = useBoardContext();
  const [editing, setEditing] = useState(false);
  const author = membersById.get(comment.author)?.name ?? 'Someone';
  const mine = comment.author === me.id && !readOnly;
  const mentioned = comment.mentions.map((id) => ({ id, name: membersById.get(id)?.name ?? '' }));
  const exact = new Date(comment.createdAt).toLocaleString();
  return (
    <li className="comment" data-comment-id={comment.id} aria-label={`Comment by ${author}`}>
      <p className="comment-head">
        <strong>{author}</strong>{' '}
        <time dateTime={new Date(comment.createdAt).toISOString()} title={exact}>
          {timeAgo(comment.createdAt)}
        </time>
        {comment.editedAt !== null ? <span className="comment-edited"> (edited)</span> : null}
      </p>
      {editing ? (
        <CommentComposer
          members={members}
          initial={comment.text}
          initialMentions={comment.mentions}
          label="Edit comment"
          submitLabel="Save"
          onCancel={() => setEditing(false)}
          onSubmit={(text, mentions) => {
            editComment(doc, { commentId: comment.id, by: me.id, text, mentions });
            setEditing(false);
            return true;
          }}
        />
      ) : (
        <p className="comment-text">
          {splitMentions(comment.text, mentioned).map((piece, i) =>
            piece.memberId === null ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one immutable text, in order.
              <span key={i}>{piece.text}</span>
            ) : (
              <mark
                // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one immutable text, in order.
                key={i}
                className={`mention${piece.memberId === me.id ? ' me' : ''}`}
                data-member={piece.memberId}
              >
                {piece.text}
              </mark>
            ),
          )}
        </p>
      )}
      {mine && !editing ? (
        <div className="comment-actions">
          <button type="button" className="link-button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            type="button"
            className="link-button"
            onClick={() => deleteComment(doc, { commentId: comment.id, by: me.id })}
          >
            Delete
          </button>
        </div>
      ) : null}
    </li>
  );
}

function CommentComposer({
  members,
  label,
  submitLabel,
  initial = '',
  initialMentions = [],
  onSubmit,
  onCancel,
}: {
  members: readonly Mentionable[];
  label: string;
  submitLabel: string;
  initial?: string;
  initialMentions?: readonly string[];
  /** Returns whether it was written (the field is then cleared). */
  onSubmit: (text: string, mentions: string[]) => boolean;
  onCancel?: () => void;
}) {
  const [text, setText] = useState(initial);
  const [mentions, setMentions] = useState<readonly string[]>(initialMentions);
  const clean = text.trim();
  const tooLong = clean.length > MAX_COMMENT_LENGTH;
  const submit = () => {
    if (clean === '' || tooLong) return;
    // Only mentions whose @Name is still in the text.
    const kept = mentions.filter((id) => {
      const name = members.find((m) => m.id === id)?.name;
      return name !== undefined && text.includes(`@${name}`);
    });
    if (onSubmit(clean, kept)) {
      setText('');
      setMentions([]);
    }
  };
  return (
    <form
      className="comment-composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <MentionInput
        label={label}
        value={text}
        onChange={setText}
        onMention={(id) => setMentions((list) => (list.includes(id) ? list : [...list, id]))}
        onSubmit={submit}
        members={members}
      />
      {tooLong ? (
        <p className="error" role="alert">
          A comment is at most {MAX_COMMENT_LENGTH} characters.
        </p>
      ) : null}
      <div className="comment-actions">
        <button type="submit" className="primary" disabled={clean === '' || tooLong}>
          {submitLabel}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

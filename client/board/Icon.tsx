/** Small inline icons (no icon font or emoji, which not every system renders). Decorative: aria-hidden. */
const PATHS = {
  pencil: 'M11.5 2.5l2 2L6 12H4v-2zM10 4l2 2',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5M7 7v4M9 7v4',
  close: 'M4 4l8 8M12 4l-8 8',
  undo: 'M6 3L3 6l3 3M3 6h6.5a3.5 3.5 0 010 7H7',
  redo: 'M10 3l3 3-3 3M13 6H6.5a3.5 3.5 0 000 7H9',
  lock: 'M4 7.5h8v6H4zM5.5 7.5V5a2.5 2.5 0 015 0v2.5',
} as const;

export type IconName = keyof typeof PATHS | 'grip';

export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      className="board-icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      {name === 'grip' ? (
        [5, 11].flatMap((x) =>
          [3.5, 8, 12.5].map((y) => <circle key={`${x}-${y}`} cx={x} cy={y} r="1.3" fill="currentColor" />),
        )
      ) : (
        <path
          d={PATHS[name]}
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      )}
    </svg>
  );
}

/** Icons of the app shell (status, share, search, theme). Decorative: the words beside them carry the meaning. */
const PATHS = {
  check: 'M3 8.5l3 3 7-7',
  alert: 'M8 2l6.5 11.5h-13zM8 6.5v3.2M8 11.6v.1',
  offline: 'M2 2l12 12M5.2 5.5A4 4 0 003 9a3 3 0 003 3h6M8.8 4.1A4 4 0 0113 8a2.5 2.5 0 01-.6 3.6',
  clock: 'M8 2.5a5.5 5.5 0 110 11 5.5 5.5 0 010-11zM8 5v3.2l2.2 1.4',
  sync: 'M13 5A5.5 5.5 0 003.2 6M3 11a5.5 5.5 0 009.8-1M13 2v3h-3M3 14v-3h3',
  lock: 'M4 7.5h8v6H4zM5.5 7.5V5a2.5 2.5 0 015 0v2.5',
  share:
    'M11 5.5a2 2 0 100-4 2 2 0 000 4zM5 10a2 2 0 100-4 2 2 0 000 4zM11 14.5a2 2 0 100-4 2 2 0 000 4zM6.8 7l2.4-1.5M6.8 9l2.4 1.5',
  search: 'M7 2.5a4.5 4.5 0 110 9 4.5 4.5 0 010-9zM10.3 10.3L14 14',
  sun: 'M8 5a3 3 0 110 6 3 3 0 010-6zM8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1',
  moon: 'M13.5 10A6 6 0 016 2.5 6 6 0 1013.5 10z',
  close: 'M4 4l8 8M12 4l-8 8',
  filter: 'M2 3h12l-4.5 5.5V13l-3-1.5v-3z',
} as const;

export type AppIconName = keyof typeof PATHS;

export function AppIcon({ name }: { name: AppIconName }) {
  return (
    <svg className="app-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

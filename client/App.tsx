import { useState } from 'react';
import type { Participant } from '../shared/presence';
import { AppIcon } from './app/AppIcon';
import { BoardPage } from './app/BoardPage';
import { Home } from './app/Home';
import { IdentityForm } from './app/IdentityForm';
import { loadIdentity } from './app/identity';
import { useJoiningTitle } from './app/joining';
import { navigate, parseRoute, usePathname } from './app/routing';
import { useTheme } from './app/theme';
import { initials, textOn } from './board/format';

export function App() {
  const [me, setMe] = useState<Participant | null>(loadIdentity);
  const [editingIdentity, setEditingIdentity] = useState(false);
  const route = parseRoute(usePathname());

  return (
    <div className="app">
      <header className="app-header">
        <a
          className="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          Trellis
        </a>
        <span className="header-actions">
          <ThemeToggle />
          {me ? (
            <button
              type="button"
              className="me"
              onClick={() => setEditingIdentity(true)}
              aria-label={`${me.name} (you): change name or colour`}
            >
              {/* Initials in the person's colour, as on the board: a plain coloured dot read as a connection light. */}
              <span
                className="me-avatar"
                style={{ backgroundColor: me.color, color: textOn(me.color) }}
                aria-hidden="true"
              >
                {initials(me.name)}
              </span>
              {me.name}
            </button>
          ) : null}
        </span>
      </header>
      <main>
        {me === null && route.kind === 'board' ? (
          <JoinForm boardId={route.boardId} onSaved={setMe} />
        ) : me === null || editingIdentity ? (
          <IdentityForm
            current={me}
            onSaved={(participant) => {
              setMe(participant);
              setEditingIdentity(false);
            }}
          />
        ) : route.kind === 'board' ? (
          <BoardPage key={route.boardId} boardId={route.boardId} me={me} />
        ) : route.kind === 'home' ? (
          <Home />
        ) : (
          <section className="not-found">
            <h2>Nothing here</h2>
            <p>
              <code>{route.path}</code> is not a Trellis page. Board links look like{' '}
              <code>/b/&lt;board id&gt;</code>.
            </p>
          </section>
        )}
      </main>
    </div>
  );
}

/** The welcome form for a first visit from a board link: it names the board being joined. */
function JoinForm({ boardId, onSaved }: { boardId: string; onSaved: (participant: Participant) => void }) {
  const title = useJoiningTitle(boardId);
  return <IdentityForm current={null} joining={{ title }} onSaved={onSaved} />;
}

/** Light or dark: follows the system until pressed (see theme.ts). */
function ThemeToggle() {
  const { theme, toggle } = useTheme();
  return (
    <button
      type="button"
      className="header-button theme-toggle"
      aria-pressed={theme === 'dark'}
      onClick={toggle}
    >
      <AppIcon name={theme === 'dark' ? 'moon' : 'sun'} />
      Dark mode
    </button>
  );
}

import { useEffect, useState } from 'react';
import type { Participant } from '../shared/presence';
import { AppIcon } from './app/AppIcon';
import { BoardPage } from './app/BoardPage';
import { Home } from './app/Home';
import { IdentityForm } from './app/IdentityForm';
import { loadIdentity } from './app/identity';
import { useJoiningTitle } from './app/joining';
import { cardPath, navigate, parseRoute, usePathname } from './app/routing';
import { useTheme } from './app/theme';
import { WideOnly } from './app/WideOnly';
import { initials, textOn } from './board/format';
import { catchUpIfStale, searchIndexer } from './search/browser';
import { SearchDialog } from './search/SearchDialog';

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
          {me ? <SearchButton /> : null}
          <ThemeToggle />
          {me ? (
            <button type="button" className="me" onClick={() => setEditingIdentity(true)}>
              {/* Initials in the person's colour, as on the board: a plain coloured dot read as a connection light. */}
              <span
                className="me-avatar"
                style={{ backgroundColor: me.color, color: textOn(me.color) }}
                aria-hidden="true"
              >
                {initials(me.name)}
              </span>
              <WideOnly>{me.name}</WideOnly>
              <span className="visually-hidden"> (you): change name or colour</span>
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
      <WideOnly>Dark mode</WideOnly>
    </button>
  );
}

/** Ctrl/Cmd+K anywhere, or the header button: search every board and description held in this browser. */
function SearchButton() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      if (event.key.toLowerCase() !== 'k') return;
      event.preventDefault();
      setOpen(true);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <>
      <button
        type="button"
        className="header-button search-button"
        onClick={() => setOpen(true)}
        aria-haspopup="dialog"
        aria-keyshortcuts="Control+K Meta+K"
      >
        <AppIcon name="search" /> <WideOnly>Search</WideOnly>{' '}
        <span className="kbd" aria-hidden="true">
          Ctrl K
        </span>
      </button>
      {open ? (
        <SearchDialog
          indexer={searchIndexer()}
          catchUp={catchUpIfStale}
          onOpen={(hit) => {
            setOpen(false);
            navigate(cardPath(hit.card.boardId, hit.card.cardId));
          }}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}

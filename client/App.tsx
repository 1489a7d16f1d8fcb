import { useState } from 'react';
import type { Participant } from '../shared/presence';
import { BoardPage } from './app/BoardPage';
import { Home } from './app/Home';
import { IdentityForm } from './app/IdentityForm';
import { loadIdentity } from './app/identity';
import { navigate, parseRoute, usePathname } from './app/routing';
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
      </header>
      <main>
        {me === null || editingIdentity ? (
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

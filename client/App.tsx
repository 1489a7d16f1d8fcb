import { useState } from 'react';
import type { Participant } from '../shared/presence';
import { BoardPage } from './app/BoardPage';
import { Home } from './app/Home';
import { IdentityForm } from './app/IdentityForm';
import { loadIdentity } from './app/identity';
import { navigate, parseRoute, usePathname } from './app/routing';

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
            title="Change name or colour"
          >
            <span className="me-swatch" style={{ backgroundColor: me.color }} aria-hidden="true" />
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

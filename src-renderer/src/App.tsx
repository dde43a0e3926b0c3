// The shell: checks the session, then routes by the URL hash (see routes.tsx).
import { Suspense, useEffect, useState } from 'react';
import { api, ApiError, type Session } from './api/client';
import { NotificationBell } from './components/NotificationBell';
import { StatusBanner } from './components/StatusBanner';
import { useStreamState } from './hooks/useStream';
import { documentTitle, routeFor, routes } from './routes';

function useHash(): [string, (h: string) => void] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [hash, (h) => (location.hash = h)];
}

function Login() {
  useEffect(() => void (document.title = 'Log in — Switchyard'), []);
  return (
    <main className="login">
      <h1>Switchyard</h1>
      <p>Open the one-time login link the appliance printed when it started (it looks like <code>/login?token=…</code>).</p>
      <p>Lost it, or already used? Run <code>switchyard login-link</code> where it runs (same <code>--data-dir</code>) for a fresh one, restart the appliance, or mint one with an admin key: <code>POST /api/login-links</code>.</p>
    </main>
  );
}

function Shell({ session }: { session: Session }) {
  const [hash, go] = useHash();
  const stream = useStreamState();
  const { route, params } = routeFor(hash);
  useEffect(() => void (document.title = documentTitle(route)), [route]);
  const groups = ['Signals', 'Delivery', 'Setup'] as const;
  const current = route.nav?.href ?? routes.find((r) => r.nav && hash.startsWith(r.nav.href + '/'))?.nav?.href;
  return (
    <div className="app">
      <header className="top">
        <strong>Switchyard</strong>
        <span className={`stream stream-${stream}`} title="live updates">{stream}</span>
        <span className="org">{session.organization.name}</span>
        <NotificationBell />
      </header>
      <StatusBanner />
      <nav className="side">
        {groups.map((g) => (
          <div key={g}>
            <h4>{g}</h4>
            {routes.filter((r) => r.nav?.group === g).map((r) => (
              <a key={r.nav!.href} href={r.nav!.href} className={current === r.nav!.href ? 'current' : undefined}>{r.nav!.label}</a>
            ))}
          </div>
        ))}
      </nav>
      <main><Suspense fallback={<p className="muted">Loading…</p>}>{route.render(params, go)}</Suspense></main>
    </div>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    api.session().then(setSession, (e) => setProblem(e instanceof ApiError && e.status === 401 ? 'login' : String(e)));
  }, []);
  if (problem === 'login') return <Login />;
  if (problem) return <main><p className="error">{problem}</p></main>;
  if (!session) return <main>Loading…</main>;
  return <Shell session={session} />;
}

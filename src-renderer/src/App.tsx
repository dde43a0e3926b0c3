// The shell: checks the session, then routes by the URL hash.
import { useEffect, useState } from 'react';
import { api, ApiError, type Session } from './api/client';
import { EventInspector } from './views/EventInspector';
import { LiveEvents } from './views/LiveEvents';

function useHash(): [string, (h: string) => void] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [hash, (h) => (location.hash = h)];
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [hash, go] = useHash();
  useEffect(() => {
    api.session().then(setSession, (e) => setProblem(e instanceof ApiError && e.status === 401 ? 'login' : String(e)));
  }, []);

  if (problem === 'login') {
    return (
      <main className="login">
        <h1>Switchyard</h1>
        <p>Open the one-time login link the appliance printed when it started (it looks like <code>/login?token=…</code>).</p>
        <p>Lost it? Restart the appliance, or mint one with an admin key: <code>POST /api/login-links</code>.</p>
      </main>
    );
  }
  if (problem) return <main><p className="error">{problem}</p></main>;
  if (!session) return <main>Loading…</main>;

  const inspect = /^#\/events\/(.+)$/.exec(hash);
  return (
    <div className="app">
      <nav>
        <strong>Switchyard</strong>
        <a href="#/events">Live events</a>
        <span className="org">{session.organization.name}</span>
      </nav>
      <main>{inspect ? <EventInspector id={decodeURIComponent(inspect[1])} back={() => go('#/events')} /> : <LiveEvents open={(id) => go(`#/events/${encodeURIComponent(id)}`)} />}</main>
    </div>
  );
}

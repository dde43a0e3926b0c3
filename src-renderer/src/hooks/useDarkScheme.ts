// Whether the system asks for the dark theme (prefers-color-scheme), live; for the parts
// that take a theme in JavaScript rather than from the CSS variables (JSON tree, editor).
import { useEffect, useState } from 'react';

const query = () => window.matchMedia('(prefers-color-scheme: dark)');

export function useDarkScheme(): boolean {
  const [dark, setDark] = useState(() => query().matches);
  useEffect(() => {
    const q = query();
    const on = () => setDark(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return dark;
}

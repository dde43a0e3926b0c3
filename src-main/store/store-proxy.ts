// A store with some members replaced (writes observed, exclusive sections queued): every
// other member goes straight to the store, whatever the Store interface grows, bound once.
import type { Store } from './types';

export function withMembers(store: Store, replaced: Partial<Record<keyof Store, unknown>>): Store {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      if (Object.prototype.hasOwnProperty.call(replaced, prop)) return replaced[prop as keyof Store];
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(prop);
      if (!fn) bound.set(prop, (fn = (value as (...a: unknown[]) => unknown).bind(target)));
      return fn;
    },
  });
}

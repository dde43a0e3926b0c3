// The window's size and position across restarts: saved (debounced) to a small JSON file
// in the user-data folder, and used on the next start only when it is sane and still on a
// connected display. A missing, corrupt or stale file means default placement, never an error.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Rect } from './electron-api';

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

/** Where the window's placement lives, in the user-data folder (not the data dir: it is not appliance data). */
export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 };
export const MIN_WINDOW_SIZE = { width: 640, height: 480 };
/** Larger than any real screen: a bigger saved size is a corrupt file. */
const MAX_WINDOW_SIDE = 16_384;
/** Moving or resizing fires many events: the file is written once things settle. */
export const WINDOW_STATE_SAVE_DELAY_MS = 500;
/** The top strip of the window (its title bar) must show this much on one display to be reachable. */
const REACHABLE_STRIP = { width: 100, height: 32 };

/** The saved state, or null when the text is not a plausible one. */
export function parseWindowState(text: string): WindowState | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const { bounds, maximized } = data as { bounds?: Partial<Rect>; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null) return null;
  const { x, y, width, height } = bounds;
  const ints = [x, y, width, height].every((n) => Number.isSafeInteger(n));
  if (!ints) return null;
  const sized = width! >= MIN_WINDOW_SIZE.width && height! >= MIN_WINDOW_SIZE.height && width! <= MAX_WINDOW_SIDE && height! <= MAX_WINDOW_SIDE;
  if (!sized || Math.abs(x!) > MAX_WINDOW_SIDE * 4 || Math.abs(y!) > MAX_WINDOW_SIDE * 4) return null;
  return { bounds: { x: x!, y: y!, width: width!, height: height! }, maximized: maximized === true };
}

/** Whether the window's title bar would show on one of the displays' work areas (so it can be grabbed). */
export function isReachable(bounds: Rect, workAreas: readonly Rect[]): boolean {
  const strip = { x: bounds.x, y: bounds.y, width: bounds.width, height: REACHABLE_STRIP.height };
  return workAreas.some((area) => {
    const w = Math.min(strip.x + strip.width, area.x + area.width) - Math.max(strip.x, area.x);
    const h = Math.min(strip.y + strip.height, area.y + area.height) - Math.max(strip.y, area.y);
    return w >= REACHABLE_STRIP.width && h >= REACHABLE_STRIP.height;
  });
}

/** The saved state if it is plausible and reachable on the current displays; else null (default placement). */
export async function loadWindowState(file: string, workAreas: readonly Rect[]): Promise<WindowState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const state = parseWindowState(text);
  // No display information (headless): nothing to check against, trust the file.
  if (!state || (workAreas.length > 0 && !isReachable(state.bounds, workAreas))) return null;
  return state;
}

export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'close' | 'resize' | 'move', listener: () => void): unknown;
}

/**
 * Writes the tracked window's state: debounced while it moves or resizes, at once when it
 * closes, and on flush() (quitting exits without closing the window). Writes go through a
 * temp file and a rename, one at a time, so the file is always whole.
 */
export class WindowStateKeeper {
  private window: TrackedWindow | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string, private readonly delayMs = WINDOW_STATE_SAVE_DELAY_MS) {}

  track(window: TrackedWindow): void {
    this.window = window;
    const later = () => this.schedule();
    window.on('resize', later);
    window.on('move', later);
    window.on('close', () => void this.saveNow());
  }

  /** Saves the current state now and waits for every write so far. */
  async flush(): Promise<void> {
    await this.saveNow();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.saveNow(), this.delayMs);
  }

  private saveNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const window = this.window;
    if (window && !window.isDestroyed()) {
      const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
      // A lost window position is harmless: a failed write is ignored, the next one may succeed.
      this.writing = this.writing.then(() => writeWhole(this.file, JSON.stringify(state))).catch(() => {});
    }
    return this.writing;
  }
}

async function writeWhole(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

// The window comes back where it was: placement saved (debounced, on close, on quit) to a
// JSON file in the user-data folder, and used only when sane and on a connected display.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src-main/app';
import { isReachable, parseWindowState, WindowStateKeeper, WINDOW_STATE_FILE } from '../../src-main/electron/window-state';
import { launch } from '../helpers/desktop-shell';
import { until } from '../helpers/wait';
import { resetStub, state, StubWindow, app as stubApp } from '../helpers/electron-stub';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose } = useTempDirs<RunningApp>('sy-desktop-window-');
let dir: string;
let stateFile: string;

beforeEach(async () => {
  resetStub();
  dir = await tempDir();
  state.userData = await tempDir();
  stateFile = join(state.userData, WINDOW_STATE_FILE);
});

async function opened(opts: Parameters<typeof launch>[1] = {}): Promise<StubWindow> {
  const running = await launch(dir, opts).desktop.ready;
  expect(running).not.toBeNull();
  toClose.push(running!);
  return state.windows[0];
}
const saved = async () => JSON.parse(await readFile(stateFile, 'utf8'));
const savedOnce = (what: string) =>
  until(async () => readFile(stateFile, 'utf8').then((t) => JSON.parse(t), () => undefined), 10_000, what);

describe('window placement file', () => {
  it('accepts a plausible state and refuses anything else', () => {
    const bounds = { x: -1800, y: 40, width: 1000, height: 700 };
    expect(parseWindowState(JSON.stringify({ bounds, maximized: true }))).toEqual({ bounds, maximized: true });
    expect(parseWindowState(JSON.stringify({ bounds }))).toEqual({ bounds, maximized: false });
    for (const bad of [
      '', '{', 'null', '[]', '"x"', '{}',
      JSON.stringify({ bounds: { x: 0, y: 0, width: 1000 } }),
      JSON.stringify({ bounds: { x: 0.5, y: 0, width: 1000, height: 700 } }),
      JSON.stringify({ bounds: { x: '0', y: 0, width: 1000, height: 700 } }),
      JSON.stringify({ bounds: { x: 0, y: 0, width: 10, height: 700 } }),
      JSON.stringify({ bounds: { x: 0, y: 0, width: 1000, height: 1e9 } }),
      JSON.stringify({ bounds: { x: 1e12, y: 0, width: 1000, height: 700 } }),
    ]) expect(parseWindowState(bad), bad).toBeNull();
  });

  it('counts a window reachable only when its title bar shows on a display', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }, { x: -1280, y: 0, width: 1280, height: 1024 }];
    const at = (x: number, y: number) => ({ x, y, width: 800, height: 600 });
    expect(isReachable(at(100, 100), screens)).toBe(true);
    expect(isReachable(at(-1000, 200), screens)).toBe(true); // on the left-hand display
    expect(isReachable(at(1860, 100), screens)).toBe(false); // 60 px of title bar left on screen
    expect(isReachable(at(3000, 100), screens)).toBe(false); // a display that is gone
    expect(isReachable(at(100, -20), screens)).toBe(false); // title bar above the top
    expect(isReachable(at(100, 1060), screens)).toBe(false); // below the bottom
  });

  it('writes once moves settle, and at once on close, always a whole file', async () => {
    const keeper = new WindowStateKeeper(stateFile, 50);
    const win = new StubWindow({ width: 1280, height: 820 });
    keeper.track(win);
    win.moveTo({ x: 10, y: 10, width: 1280, height: 820 });
    win.moveTo({ x: 20, y: 30, width: 900, height: 700 });
    await expect(readFile(stateFile)).rejects.toThrow(); // debounced: nothing written yet
    expect(await savedOnce('the debounced write')).toEqual({ bounds: { x: 20, y: 30, width: 900, height: 700 }, maximized: false });

    const slow = new WindowStateKeeper(stateFile, 60_000);
    const second = new StubWindow({ width: 1280, height: 820 });
    slow.track(second);
    second.moveTo({ x: 300, y: 200, width: 1000, height: 750 });
    second.maximize();
    second.close();
    await slow.flush();
    expect(await saved()).toEqual({ bounds: { x: 300, y: 200, width: 1000, height: 750 }, maximized: true });
  });
});

describe('desktop window placement', () => {
  it('opens the window where it was saved, maximized if it was', async () => {
    await writeFile(stateFile, JSON.stringify({ bounds: { x: 100, y: 50, width: 900, height: 700 }, maximized: true }));
    const win = await opened();
    expect(win.options).toMatchObject({ x: 100, y: 50, width: 900, height: 700 });
    expect(win.maximized).toBe(true);
  });

  it('uses the default placement for a corrupt file', async () => {
    await writeFile(stateFile, '{"bounds": {"x": 100, "y": 5');
    const win = await opened();
    expect(win.options).toMatchObject({ width: 1280, height: 820 });
    expect(win.options).not.toHaveProperty('x');
    expect(win.maximized).toBe(false);
  });

  it('uses the default placement when the saved spot is on a display no longer connected', async () => {
    await writeFile(stateFile, JSON.stringify({ bounds: { x: 2200, y: 100, width: 900, height: 700 }, maximized: false }));
    state.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }, { workArea: { x: 1920, y: 0, width: 1920, height: 1080 } }];
    const two = await opened();
    expect(two.options).toMatchObject({ x: 2200, y: 100 });
    await toClose.pop()!.close();

    resetStub();
    state.userData = join(stateFile, '..');
    const one = await opened(); // the second display was unplugged
    expect(one.options).not.toHaveProperty('x');
    expect(one.options).toMatchObject({ width: 1280, height: 820 });
  });

  it('saves the placement when the window closes, and the reopened window uses it', async () => {
    const win = await opened({ windowStateSaveDelayMs: 60_000 });
    win.moveTo({ x: 40, y: 60, width: 1000, height: 640 });
    win.close();
    expect(await savedOnce('the save on close')).toEqual({ bounds: { x: 40, y: 60, width: 1000, height: 640 }, maximized: false });
    stubApp.emit('second-instance');
    await until(() => state.windows[1]?.loaded[0], 10_000, 'the reopened window');
    expect(state.windows[1].options).toMatchObject({ x: 40, y: 60, width: 1000, height: 640 });
  });

  it('saves the placement on quit, which exits without closing the window', async () => {
    const win = await opened({ windowStateSaveDelayMs: 60_000 });
    win.moveTo({ x: 70, y: 80, width: 1100, height: 700 });
    stubApp.quit();
    await until(() => (state.exitCodes.length ? true : undefined), 10_000, 'the app to exit');
    expect(await saved()).toEqual({ bounds: { x: 70, y: 80, width: 1100, height: 700 }, maximized: false });
    expect(win.visible).toBe(false); // hidden at once while the appliance stops
  });
});

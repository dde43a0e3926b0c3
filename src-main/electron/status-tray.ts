// The tray: what the appliance is doing (where it serves, what it holds, what it still owes)
// and the ways back in (window, browser) or out (Quit). It keeps serving with the window closed.
import type { RunningApp } from '../app';
import type { ElectronLike, MenuItemOptions, TrayLike } from './electron-api';

export interface TrayStatus {
  url: string;
  events: number;
  pendingDeliveries: number;
  stopping: boolean;
}

export interface TrayActions {
  openWindow(): void;
  openInBrowser(): void;
  quit(): void;
}

/** The tray icon (16 px; tray@2x.png beside it for HiDPI), relative to the app's root (packaged: inside app.asar). */
export const TRAY_ICON = ['resources', 'tray.png'] as const;
/** Events and deliveries change in bursts: the menu is rebuilt at most this often. */
export const TRAY_REFRESH_MS = 1_000;

export function readStatus(running: RunningApp, stopping: boolean): TrayStatus {
  return { url: running.url, events: running.store.stats().events, pendingDeliveries: running.deliveries.pendingCount(), stopping };
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function statusLines(s: TrayStatus): [string, string] {
  const head = s.stopping ? 'Switchyard — stopping: finishing deliveries in flight' : `Switchyard — serving on ${s.url}`;
  return [head, `${count(s.events, 'event', 'events')} stored · ${count(s.pendingDeliveries, 'delivery', 'deliveries')} pending`];
}

export function trayMenuTemplate(s: TrayStatus, actions: TrayActions): MenuItemOptions[] {
  const [head, detail] = statusLines(s);
  // While stopping, only the status is left: the server is going away.
  const live = !s.stopping;
  return [
    { label: head, enabled: false },
    { label: detail, enabled: false },
    { type: 'separator' },
    { label: 'Open window', enabled: live, click: actions.openWindow },
    { label: 'Open in browser', enabled: live, click: actions.openInBrowser },
    { type: 'separator' },
    { label: 'Quit', enabled: live, click: actions.quit },
  ];
}

export class StatusTray {
  private readonly tray: TrayLike;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly electron: ElectronLike, iconPath: string, private readonly status: () => TrayStatus, private readonly actions: TrayActions) {
    this.tray = new electron.Tray(iconPath);
    // Windows and macOS: a click on the icon itself opens the window (Linux shows the menu).
    this.tray.on('click', () => actions.openWindow());
    this.refresh();
  }

  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.status();
    this.tray.setToolTip(statusLines(s).join('\n'));
    this.tray.setContextMenu(this.electron.Menu.buildFromTemplate(trayMenuTemplate(s, this.actions)));
  }

  /** A refresh soon, sharing one rebuild among the changes of a burst. */
  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.refresh(), TRAY_REFRESH_MS);
    this.timer.unref();
  }
}

// The store window and the rules every web page in the app lives under: no navigation away
// from app://backroom, no new windows, no webviews, no permissions, and outside links only
// to allow-listed https hosts, in the user's own browser.
import { app, BrowserWindow, shell, type Session, type WebContents } from 'electron';
import type { Logger } from '../core/log/logger.ts';
import { APP_ENTRY_URL, canNavigate, externalLinkDecision } from './security.ts';

export interface WindowRules {
  allowedHosts: readonly string[];
  log: Logger;
}

function openOutside(url: string, rules: WindowRules): void {
  const decision = externalLinkDecision(url, rules.allowedHosts);
  if (!decision.open) {
    rules.log.warn(`Blocked a link out of the app (${decision.reason})`, { url });
    return;
  }
  shell.openExternal(decision.url).catch((error: unknown) => {
    rules.log.warn('Could not open the link in the browser', {
      url: decision.url,
      error: String(error),
    });
  });
}

/** Applied to every WebContents the app creates (app 'web-contents-created'). */
export function hardenWebContents(contents: WebContents, rules: WindowRules): void {
  const guard = (event: Electron.Event, url: string) => {
    if (canNavigate(url)) return;
    event.preventDefault();
    // A plain <a href> to an allowed help page still opens, in the user's browser.
    openOutside(url, rules);
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-frame-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', (event) => guard(event, event.url));
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, rules);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    rules.log.warn('Blocked a <webview>.');
  });
}

/** The store screens need no camera, location, notifications, USB, …: everything is denied. */
export function denyPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    log.warn(`Denied a permission request (${permission})`, { url: details.requestingUrl });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

export function createMainWindow(o: { preload: string; icon: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Backroom',
    icon: o.icon,
    backgroundColor: '#f8f9fa',
    autoHideMenuBar: true,
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Offline-first: the spellchecker would download dictionaries from Google.
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  win.once('ready-to-show', () => win.show());
  return win;
}

export function loadStoreScreens(win: BrowserWindow, log: Logger): void {
  win.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    log.error('The store screens did not load', { error: String(error) });
  });
}

export function showWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

// The desktop app's composition root: the store server's services in-process, the window on
// app://backroom, the API over IPC, optionally the LAN server, the tray and the updater.
// Every rule it applies lives in a module without Electron (security.ts, config.ts, core/).
import path from 'node:path';
import { app, BrowserWindow, dialog, Menu, session, type Tray } from 'electron';
import bundledConfig from '../resources/app-config.json' with { type: 'json' };
import appIcon from '../resources/icon.png?asset';
import trayIcon from '../resources/tray-icon.png?asset';
import type { RunningHttpServer } from '../core/api/http.ts';
import { startHttpServer } from '../core/api/http.ts';
import { createStoreServices, type StoreServices } from '../core/app/services.ts';
import { createLogger, type Logger } from '../core/log/logger.ts';
import { openSecretStore } from '../core/secrets/index.ts';
import { storeDrivers } from '../drivers/index.ts';
import { createRx30Adapter, rx30Drivers } from '../drivers/rx30/index.ts';
import { LOCAL_CONFIG_FILE, parseAppConfig, updatePlan, withLocalOverrides } from './config.ts';
import { serveApiOverIpc, type IpcTransport } from './ipc.ts';
import { registerAppScheme, serveRendererOnAppScheme } from './protocol.ts';
import { createTray } from './tray.ts';
import { startUpdateChecks } from './updates.ts';
import {
  createMainWindow,
  denyPermissions,
  hardenWebContents,
  loadStoreScreens,
  showWindow,
} from './window.ts';

// Both must happen before the app is ready.
registerAppScheme();
app.enableSandbox();

const config = parseAppConfig(bundledConfig);
// out/electron/index.js → out/preload/index.cjs (CommonJS: sandboxed preloads cannot be ESM).
const preloadFile = path.join(import.meta.dirname, '..', 'preload', 'index.cjs');
const rendererDir = path.join(app.getAppPath(), 'out', 'renderer');

let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let quitting = false;
/** Closes what start() opened; set once it has opened it. */
let shutDown: (() => Promise<void>) | null = null;

if (!app.requestSingleInstanceLock()) {
  // Another Backroom owns the store database; it has been asked to show its window.
  app.quit();
} else {
  app.on('second-instance', () => showWindow(mainWindow));
  app.on('before-quit', () => {
    quitting = true;
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped || !shutDown) return;
    // Hold the quit until the database is closed, then quit for real.
    event.preventDefault();
    stopped = true;
    void shutDown().finally(() => app.quit());
  });
  start().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Backroom could not start: ${message}\n`);
    dialog.showErrorBox('Backroom could not start', message);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = process.env['BACKROOM_DATA_DIR'] ?? app.getPath('userData');
  const log = createLogger(dataDir);
  const { config: effective, problems } = withLocalOverrides(
    config,
    path.join(dataDir, LOCAL_CONFIG_FILE),
  );
  for (const problem of problems) log.warn(problem);

  const rules = { allowedHosts: effective.externalLinks.allowedHosts, log };
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, rules));
  denyPermissions(session.defaultSession, log);
  serveRendererOnAppScheme(rendererDir, log);
  if (app.isPackaged) Menu.setApplicationMenu(null);

  const services = await createStoreServices({
    dataDir,
    secrets: openSecretStore(process.env, (m) => log.warn(m)),
    log,
    scheduleBackups: true,
    runIntegrations: true,
    deviceDrivers: storeDrivers,
    runDevices: true,
    rx30: { adapter: createRx30Adapter(), drivers: rx30Drivers },
  });
  const ipc = serveApiOverIpc({
    services,
    isOurWindow: (contents) =>
      mainWindow !== null &&
      !mainWindow.isDestroyed() &&
      BrowserWindow.fromWebContents(contents) === mainWindow,
  });
  const lan = effective.lan.enabled ? await startLanServer(services, effective.lan, log) : null;

  openWindow(ipc, log);
  app.on('activate', () => (mainWindow ? showWindow(mainWindow) : openWindow(ipc, log)));
  tray = createTray({
    icon: trayIcon,
    onOpen: () => (mainWindow ? showWindow(mainWindow) : openWindow(ipc, log)),
    onQuit: () => app.quit(),
  });
  const stopUpdateChecks = startUpdateChecks(updatePlan(effective, app.isPackaged), log);

  app.on('window-all-closed', () => app.quit());
  shutDown = async () => {
    stopUpdateChecks();
    ipc.close();
    tray?.destroy();
    try {
      await lan?.close();
    } catch (error) {
      log.warn('The LAN server did not close cleanly', { error: String(error) });
    }
    // Deliveries in flight finish and are recorded; anything cut off is re-sent, same key.
    await Promise.race([services.drain(), new Promise((r) => setTimeout(r, 5_000))]);
    services.close();
    log.info('Backroom stopped; the database was closed cleanly.');
  };
  log.info(`Backroom ${services.version} started (data: ${dataDir})`);
}

function openWindow(ipc: IpcTransport, log: Logger): void {
  const win = createMainWindow({ preload: preloadFile, icon: appIcon });
  mainWindow = win;
  // A reload or a crashed page leaves nobody to read its live-update streams.
  win.webContents.on('did-navigate', () => ipc.closeStreams());
  win.webContents.on('render-process-gone', (_event, details) => {
    ipc.closeStreams();
    log.error(`The store window's page stopped (${details.reason}).`);
  });
  win.on('close', (event) => {
    // On Windows the store server keeps serving (backups, the LAN) from the tray.
    if (!quitting && tray && process.platform === 'win32') {
      event.preventDefault();
      win.hide();
    }
  });
  win.on('closed', () => {
    ipc.closeStreams();
    if (mainWindow === win) mainWindow = null;
  });
  loadStoreScreens(win, log);
}

/** The same HTTP server as `npm run server`, for browsers on the store's LAN. */
async function startLanServer(
  services: StoreServices,
  lan: { host: string; port: number },
  log: Logger,
): Promise<RunningHttpServer | null> {
  try {
    const server = await startHttpServer({ services, host: lan.host, port: lan.port, rendererDir });
    return server;
  } catch (error) {
    // The desktop window works without it; the LAN clients will show they cannot connect.
    log.error('The LAN server did not start', {
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

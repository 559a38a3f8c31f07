// electron-updater on the generic feed from app-config.json. An update check never blocks or
// stops the app: stores are often offline, so a failed check is a warning in the log.
import electronUpdater from 'electron-updater';
import type { Logger } from '../core/log/logger.ts';
import type { UpdatePlan } from './config.ts';

export function startUpdateChecks(plan: UpdatePlan, log: Logger): () => void {
  if (!plan.enabled) {
    log.info(`Update checks are off (${plan.reason}).`);
    return () => {};
  }
  const { autoUpdater } = electronUpdater;
  // The updater reports its own errors (it listens to its 'error' event) through this logger.
  autoUpdater.logger = {
    info: (m?: unknown) => log.info(`Updates: ${String(m)}`),
    warn: (m?: unknown) => log.warn(`Updates: ${String(m)}`),
    error: (m?: unknown) => log.warn(`Updates: ${String(m)}`),
  };
  autoUpdater.setFeedURL({ provider: 'generic', url: plan.feedUrl });
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('update-downloaded', (info) => {
    log.info(`Backroom ${info.version} is downloaded; it installs the next time Backroom quits.`);
  });
  const check = () => {
    autoUpdater.checkForUpdates().catch(() => {
      // Already logged through autoUpdater.logger.
    });
  };
  check();
  const timer = setInterval(check, plan.intervalMs);
  return () => clearInterval(timer);
}

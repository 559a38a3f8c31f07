import { useEffect } from 'react';
import { api } from '../api/app-client.ts';
import { useLiveTick } from '../state/live.ts';
import { scannerStore, SERIAL_SCAN_EVENT } from '../state/scanner.ts';

/**
 * Keeps the store's keyboard-scanner settings for the scan hook (reloaded on changes), and
 * turns each code a serial scanner reads into a scan on this screen: a cancelable window event
 * the screens' scan listeners take, one of them at most.
 */
export function ScannerBridge() {
  const tick = useLiveTick();
  useEffect(() => {
    let current = true;
    api.devices.scannerSettings.query().then(
      (s) => current && scannerStore.getState().setSettings(s),
      // Without them the defaults apply; the next change tries again.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [tick]);
  useEffect(() => {
    const subscription = api.devices.scans.subscribe(undefined, {
      onData: ({ code }) =>
        window.dispatchEvent(
          new CustomEvent(SERIAL_SCAN_EVENT, { detail: { code }, cancelable: true }),
        ),
    });
    return () => subscription.unsubscribe();
  }, []);
  return null;
}

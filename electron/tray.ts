import { Menu, Tray, nativeImage } from 'electron';

/** The store server keeps running with the window closed; the tray brings it back or quits. */
export function createTray(o: { icon: string; onOpen: () => void; onQuit: () => void }): Tray {
  const tray = new Tray(nativeImage.createFromPath(o.icon));
  tray.setToolTip('Backroom');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Backroom', click: o.onOpen },
      { type: 'separator' },
      { label: 'Quit Backroom', click: o.onQuit },
    ]),
  );
  tray.on('click', o.onOpen);
  return tray;
}

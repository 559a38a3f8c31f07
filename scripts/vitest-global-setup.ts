import { startPrivateKeyring } from './keyring-session.ts';

/** Every test run gets its own real Secret Service (see keyring-session.ts). */
export default function setup(): () => void {
  const session = startPrivateKeyring();
  Object.assign(process.env, session.env);
  return () => session.stop();
}

/**
 * Pairs this kiosk with a hub as `K1` (or --name) through the hub's API and prints ONE URL that
 * opens a ready kiosk (the device token travels in the URL fragment, which never reaches a
 * server, and the app keeps it in localStorage).
 *
 *   tsx kiosk-app/scripts/pair-url.ts --hub http://127.0.0.1:8750 [--kiosk-url http://127.0.0.1:8750/kiosk/index.html]
 *       [--name K1] [--code 12345678 | --username manager --pin 123456] [--wait-ms 60000]
 *
 * Without --code, a staff user creates a pairing code first (POST /v1/staff/pairing-codes).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HubClient } from '../src/hub/client';

export async function pairKiosk(opts: {
  hubUrl: string;
  name?: string;
  code?: string;
  username?: string;
  pin?: string;
}): Promise<{ token: string; deviceId: string }> {
  // Generous: a hub that has just started on a large catalogue is busy for a while.
  const hub = new HubClient({ origin: opts.hubUrl, token: () => null, timeoutMs: 120_000 });
  let code = opts.code;
  if (!code) {
    const staff = await hub.staffSignIn(opts.username ?? 'manager', opts.pin ?? '123456');
    code = (await hub.createPairingCode(staff.token)).code;
  }
  const name = opts.name ?? 'K1';
  // replace: re-pairing the same kiosk name (a reset, `npm run demo` again) revokes the old token.
  const d = await hub.pair(code, name, name, true);
  return { token: d.token, deviceId: d.device_id };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      hub: { type: 'string' },
      'kiosk-url': { type: 'string' },
      name: { type: 'string' },
      code: { type: 'string' },
      username: { type: 'string' },
      pin: { type: 'string' },
      /** Wait up to this long for the hub to answer /healthz (the demo starts it alongside). */
      'wait-ms': { type: 'string' },
    },
  });
  const hubUrl = (values.hub ?? 'http://127.0.0.1:8750').replace(/\/$/, '');
  const deadline = Date.now() + Number(values['wait-ms'] ?? 0);
  for (;;) {
    const up = await fetch(`${hubUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const { token } = await pairKiosk({
    hubUrl,
    ...(values.name ? { name: values.name } : {}),
    ...(values.code ? { code: values.code } : {}),
    ...(values.username ? { username: values.username } : {}),
    ...(values.pin ? { pin: values.pin } : {}),
  });
  // index.html explicitly: works whether or not the hub redirects /kiosk/ to /kiosk/.
  console.log(`${values['kiosk-url'] ?? `${hubUrl}/kiosk/index.html`}#token=${token}`);
}

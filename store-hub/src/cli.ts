/**
 * store-hub CLI: serve | import <file> | pair. The data directory holds the database (and, for
 * the terminal simulator, its own journal under simulator/); nothing else that matters.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importDoc, readImportFile } from './modules/catalog/import';
import { ClientRepo } from './modules/clients/repo';
import { createPairingCode } from './modules/clients/service';
import { DEFAULT_STATIC_MOUNTS, startHub } from './main';
import { openDatabase } from './platform/db/database';

export const DEFAULT_DATA_DIR = path.join(os.homedir(), '.kassa', 'hub');

const USAGE = `usage: store-hub <command> [--data-dir DIR]
  serve [--port 8750] [--host 127.0.0.1] [--hardware devices.json]
                                           start the hub (prints URL, pairing code, data dir)
  import <file> [--kind items|tax_table]   load catalogue/promotions/tax/config/staff (JSON or CSV), all-or-nothing
  pair                                     print a new device pairing code`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      kind: { type: 'string' },
      'terminal-timeout-ms': { type: 'string' },
      'sim-decide-ms': { type: 'string' },
      hardware: { type: 'string' },
      'payment-session-timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dataDir = path.resolve(values['data-dir'] ?? process.env.KASSA_HUB_DATA_DIR ?? DEFAULT_DATA_DIR);
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  switch (cmd) {
    case 'serve': {
      const hub = await startHub({
        dataDir,
        port: values.port !== undefined ? Number(values.port) : 8750,
        host: values.host ?? '127.0.0.1',
        staticMounts: DEFAULT_STATIC_MOUNTS,
        ...(values['terminal-timeout-ms']
          ? { terminalTimeoutMs: Number(values['terminal-timeout-ms']) }
          : {}),
        ...(values['sim-decide-ms'] ? { simulator: { decideAfterMs: Number(values['sim-decide-ms']) } } : {}),
        ...(values.hardware ? { hardwareFile: path.resolve(values.hardware) } : {}),
        ...(values['payment-session-timeout-ms']
          ? { paymentSessionTimeoutMs: Number(values['payment-session-timeout-ms']) }
          : {}),
      });
      // One machine-readable line first (tests and scripts read it), then the human summary.
      console.log(
        JSON.stringify({
          event: 'listening',
          url: hub.url,
          port: hub.port,
          data_dir: dataDir,
          pairing_code: hub.pairingCode.code,
        }),
      );
      console.log(
        `\nKassa store hub is running\n  URL:           ${hub.url}\n  API document:  ${hub.url}/openapi.json\n  Pairing code:  ${hub.pairingCode.code} (valid until ${hub.pairingCode.expires_at})\n  Data dir:      ${dataDir}\n`,
      );
      const stop = (): void => {
        void hub.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return -1;
    }
    case 'import': {
      const file = rest[0];
      if (!file) {
        console.error('import needs a file');
        return 2;
      }
      const kind = values.kind === 'items' || values.kind === 'tax_table' ? values.kind : undefined;
      const db = openDatabase(dataDir);
      try {
        const report = await importDoc(db, readImportFile(file, kind), file);
        console.log(JSON.stringify(report, null, 2));
        return report.applied ? 0 : 1;
      } finally {
        db.close();
      }
    }
    case 'pair': {
      const db = openDatabase(dataDir);
      try {
        const c = createPairingCode(new ClientRepo(db));
        console.log(`Pairing code: ${c.code} (valid until ${c.expires_at})`);
        return 0;
      } finally {
        db.close();
      }
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

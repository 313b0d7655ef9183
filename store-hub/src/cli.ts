/**
 * store-hub CLI: serve | import <file> | pair | demo-codes. The data directory holds the
 * database (and, for the terminal simulator, its own journal under simulator/), and the log
 * file logs/hub.log; nothing else that matters. Output is for people: logs go to the file
 * (warnings and errors also to stderr); `--json` adds one machine-readable line for scripts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { EXTENSIONS } from './extensions';
import { DEFAULT_STATIC_MOUNTS, startHub } from './main';
import { demoCodes, formatDemoCodes } from './modules/catalog/demo-codes';
import { importDoc, readImportFile } from './modules/catalog/import';
import { StoreDataCache } from './modules/catalog/store-data';
import { ClientRepo } from './modules/clients/repo';
import { createPairingCode } from './modules/clients/service';
import { openDatabase } from './platform/db/database';
import { startSyncFromEnv } from './sync';

export const DEFAULT_DATA_DIR = path.join(os.homedir(), '.kassa', 'hub');

const USAGE = `usage: store-hub <command> [--data-dir DIR]
  serve [--port 8750] [--host 127.0.0.1] [--hardware devices.json] [--json]
                                           start the hub (prints URLs, pairing code, codes to scan)
  import <file> [--kind items|tax_table] [--replace]
                                           load catalogue/promotions/tax/config/staff (JSON or CSV), all-or-nothing;
                                           --replace: the file's item, category, promotion and tax lists replace
                                           the stored ones (what the file leaves out is deleted; kiosks drop it too)
  pair                                     print a new device pairing code
  demo-codes [--json]                      print a few codes to scan: counted, weighed, age-restricted, on promotion`;

class CliError extends Error {}

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
      replace: { type: 'boolean' },
      json: { type: 'boolean' },
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
      const port = values.port !== undefined ? Number(values.port) : 8750;
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError(`--port ${values.port} is not a port number`);
      const host = values.host ?? '127.0.0.1';
      fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
      const logFile = path.join(dataDir, 'logs', 'hub.log');
      const level = process.env.LOG_LEVEL ?? 'info';
      const logger = pino(
        { level },
        pino.multistream([
          {
            level: level as pino.Level,
            stream: pino.destination({ dest: logFile, sync: true, mkdir: true }),
          },
          { level: 'warn', stream: process.stderr },
        ]),
      );
      let hub;
      try {
        hub = await startHub({
          dataDir,
          port,
          host,
          logger,
          staticMounts: DEFAULT_STATIC_MOUNTS,
          extensions: EXTENSIONS,
          // Cloud sync (src/sync): a no-op unless KASSA_KAFKA_BROKERS is set.
          startSync: startSyncFromEnv,
          ...(values['terminal-timeout-ms']
            ? { terminalTimeoutMs: Number(values['terminal-timeout-ms']) }
            : {}),
          ...(values['sim-decide-ms']
            ? { simulator: { decideAfterMs: Number(values['sim-decide-ms']) } }
            : {}),
          ...(values.hardware ? { hardwareFile: path.resolve(values.hardware) } : {}),
          ...(values['payment-session-timeout-ms']
            ? { paymentSessionTimeoutMs: Number(values['payment-session-timeout-ms']) }
            : {}),
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE')
          throw new CliError(
            `port ${port} on ${host} is already in use (is another store hub running?). Stop it, or start this one with --port <another port>.`,
          );
        if (e.code === 'EACCES')
          throw new CliError(
            `not allowed to listen on port ${port} on ${host}; pick a port above 1024 with --port.`,
          );
        if (e.code === 'EADDRNOTAVAIL')
          throw new CliError(`this machine has no address ${host}; check --host.`);
        throw err;
      }
      if (values.json)
        console.log(
          JSON.stringify({
            event: 'listening',
            url: hub.url,
            port: hub.port,
            data_dir: dataDir,
            pairing_code: hub.pairingCode.code,
          }),
        );
      const codes = (() => {
        try {
          return formatDemoCodes(demoCodes(new StoreDataCache(hub.db)));
        } catch {
          return '  (no store imported yet: run store-hub import <file> first)';
        }
      })();
      const built = (dir: string): boolean => fs.existsSync(path.join(dir, 'index.html'));
      const app = (prefix: string, label: string): string => {
        const m = DEFAULT_STATIC_MOUNTS.find((x) => x.prefix === prefix)!;
        return `  ${label.padEnd(14)} ${built(m.dir) ? `${hub.url}${prefix}/` : `(not built: ${m.dir})`}`;
      };
      const staff = (
        hub.db
          .prepare(`SELECT username FROM staff_users WHERE active = 1 ORDER BY username LIMIT 5`)
          .all() as {
          username: string;
        }[]
      ).map((r) => r.username);
      console.log(
        [
          '',
          'Kassa store hub is running',
          `  URL:           ${hub.url}`,
          app('/kiosk', 'Kiosk:'),
          app('/console', 'Staff console:'),
          `  API document:  ${hub.url}/openapi.json`,
          `  Pairing code:  ${hub.pairingCode.code} (valid until ${hub.pairingCode.expires_at})`,
          `  Staff users:   ${staff.length > 0 ? staff.join(', ') : '(none imported)'} (PINs as imported)`,
          `  Data dir:      ${dataDir}`,
          `  Log file:      ${logFile}`,
          '',
          'Codes to scan:',
          codes,
          '',
        ].join('\n'),
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
      if (!file) throw new CliError('import needs a file: store-hub import <file.json|items.csv|tax.csv>');
      if (!fs.existsSync(file)) throw new CliError(`no such file: ${file}`);
      const kind = values.kind === 'items' || values.kind === 'tax_table' ? values.kind : undefined;
      const doc = readImportFile(file, kind);
      // --replace = the service's `replace: true`: every list section the file has. A file that
      // names its own sections to replace keeps them without the flag; with it the flag wins.
      if (values.replace) {
        if (!['categories', 'items', 'promotions', 'tax_table'].some((k) => k in doc))
          throw new CliError(
            `--replace needs a file with items, categories, promotions or tax_table: ${file} has none (nothing would be replaced)`,
          );
        doc.replace = true;
      }
      const db = openDatabase(dataDir);
      try {
        const report = await importDoc(db, doc, file);
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
    case 'demo-codes': {
      const db = openDatabase(dataDir);
      try {
        const store = new StoreDataCache(db);
        if (!store.hasConfig())
          throw new CliError(`no store imported in ${dataDir}: run store-hub import <file> first`);
        const codes = demoCodes(store);
        console.log(
          values.json ? JSON.stringify(codes, null, 2) : `Codes to scan:\n${formatDemoCodes(codes)}`,
        );
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
    // People get a sentence; a stack trace only for what we did not foresee.
    console.error(
      err instanceof CliError
        ? `store-hub: ${err.message}`
        : err instanceof Error
          ? `store-hub: ${err.message}`
          : err,
    );
    if (!(err instanceof CliError) && err instanceof Error && process.env.KASSA_DEBUG)
      console.error(err.stack);
    process.exit(1);
  },
);

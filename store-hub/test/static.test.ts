/** Built web apps served from disk: files with their MIME type, SPA routes get index.html, no build at request time. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/main';
import { startHub } from '../src/main';
import { removeTempDirs, tempDataDir } from './harness';

let hub: Hub;
let built: string;

beforeAll(async () => {
  built = tempDataDir();
  fs.mkdirSync(path.join(built, 'assets'));
  fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>kiosk</title>');
  fs.writeFileSync(path.join(built, 'assets', 'app.js'), 'console.log(1)');
  hub = await startHub({
    dataDir: tempDataDir(),
    logLevel: 'silent',
    staticMounts: [
      { prefix: '/kiosk', dir: built },
      { prefix: '/console', dir: path.join(built, 'not-built') },
    ],
  });
});
afterAll(async () => {
  await hub?.close();
  removeTempDirs();
});

describe('static web apps', () => {
  it('serves files with their MIME type and index.html for app routes', async () => {
    const get = (p: string) =>
      fetch(`${hub.url}${p}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    const root = await get('/kiosk/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(await root.text()).toContain('<title>kiosk</title>');
    const js = await get('/kiosk/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const route = await get('/kiosk/basket/123');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>kiosk</title>');
    expect((await get('/kiosk/assets/missing.js')).status).toBe(404);
    const bare = await get('/kiosk');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/kiosk/');
  });

  it('says plainly when an app is not built, and keeps API errors as JSON', async () => {
    const r = await fetch(`${hub.url}/console/`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(404);
    expect(await r.text()).toMatch(/not built yet/);
    const api = await fetch(`${hub.url}/v1/nope`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
  });
});

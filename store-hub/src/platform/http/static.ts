/**
 * Built web apps served from disk: `/kiosk/` → kiosk-app/dist, `/console/` →
 * store-hub/console/dist. Files are read as they are on disk (built by setup, never at request
 * time); a missing folder answers a plain 404 page saying how to build it; any path under a
 * mount that is not a file gets index.html (SPA routing).
 */
import express from 'express';
import type { Express } from 'express';
import fs from 'node:fs';
import path from 'node:path';

export interface StaticMount {
  /** URL prefix, e.g. `/kiosk`. */
  prefix: string;
  /** Absolute folder holding index.html and assets. */
  dir: string;
}

export function mountStatic(app: Express, mounts: readonly StaticMount[]): void {
  for (const m of mounts) {
    const prefix = m.prefix.replace(/\/+$/, '');
    // Express matches `/console` for `/console/` too (non-strict routing): redirect only the bare prefix.
    app.get(prefix, (req, res, next) =>
      req.path.endsWith('/') ? next() : res.redirect(301, `${prefix}/${req.url.slice(req.path.length)}`),
    );
    app.use(prefix, express.static(m.dir, { index: 'index.html', fallthrough: true, maxAge: 0 }));
    app.get(`${prefix}/{*rest}`, (req, res, next) => {
      // Asset-looking paths (with an extension) that do not exist stay 404s.
      if (path.extname(req.path) !== '' || !req.accepts('html')) return next();
      const index = path.join(m.dir, 'index.html');
      if (!fs.existsSync(index)) {
        res
          .status(404)
          .type('text/plain')
          .send(`${prefix}/ is not built yet (${m.dir} has no index.html); run the package's build script`);
        return;
      }
      res.sendFile(index);
    });
  }
}

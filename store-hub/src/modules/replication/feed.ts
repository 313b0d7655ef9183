/**
 * The change feed behind socket.io `replication.changed` (issue 11 §2 fix 3): what changed in
 * the hub-owned collections since the last announcement, as RxDB `pull.stream$` items — each
 * collection's changed documents (tombstones included) with the checkpoint after them — so a
 * kiosk applies a price change as that one document, with no pull at all, and a change to one
 * collection never makes kiosks re-pull the others.
 *
 * Why a feed that reads the tables rather than events raised by each writer: the import CLI
 * and other processes write the same database; the replication clock (`meta.repl_clock`) is
 * the one thing every writer moves, so `poll()` (called after in-process writes and every
 * 200 ms) looks at it first and reads the tables only when it moved. Each collection keeps its
 * own position `(updated_at, id)`, read with the pull's own query, so the feed announces the
 * same documents a pull would answer, in the same order, and misses none: stamps are taken
 * inside write transactions, so a later commit always sorts after an earlier one.
 *
 * Kiosk baskets are not announced: each kiosk is the only writer of its own baskets, and other
 * kiosks never receive them. A clock move from basket pushes alone therefore sends nothing.
 *
 * A collection with more than FEED_MAX_DOCS changes in one step (a whole catalogue import) is
 * named in `pull` instead of carried: socket.io would otherwise push the whole catalogue to
 * every kiosk in one message, and the pull pages it.
 */
import type { Db } from '../../platform/db/database';
import { currentStamp } from '../../platform/db/database';
import type { Checkpoint, ReplicatedDoc } from './service';
import { hubHead, hubPage, PULL_COLLECTIONS } from './service';

export const FEED_MAX_DOCS = 500;

export interface ReplicationChange {
  collection: string;
  documents: ReplicatedDoc[];
  checkpoint: Checkpoint;
}

/** The `replication.changed` payload (schema in api/events.ts). */
export interface ReplicationChanged {
  checkpoint: number;
  changes: ReplicationChange[];
  pull: string[];
}

export class ReplicationFeed {
  private clock: number;
  private readonly at = new Map<string, Checkpoint>();
  private readonly step: () => ReplicationChanged | null;

  constructor(
    private readonly db: Db,
    private readonly emit: (e: ReplicationChanged) => void,
    private readonly maxDocs = FEED_MAX_DOCS,
  ) {
    this.clock = currentStamp(db);
    for (const [name, src] of Object.entries(PULL_COLLECTIONS)) this.at.set(name, hubHead(db, src));
    // One read transaction: every collection is read from the same snapshot, so the announced
    // clock covers exactly what the event carries.
    this.step = db.transaction(() => this.read());
  }

  /** Announces what changed since the last call; nothing when only baskets (or nothing) moved. */
  poll(): void {
    if (currentStamp(this.db) === this.clock) return;
    const e = this.step();
    if (e) this.emit(e);
  }

  private read(): ReplicationChanged | null {
    this.clock = currentStamp(this.db);
    const changes: ReplicationChange[] = [];
    const pull: string[] = [];
    for (const [name, src] of Object.entries(PULL_COLLECTIONS)) {
      const from = this.at.get(name)!;
      const page = hubPage(this.db, src, from, this.maxDocs + 1);
      if (!page.last) continue;
      if (page.documents.length > this.maxDocs) {
        pull.push(name);
        this.at.set(name, hubHead(this.db, src));
      } else {
        changes.push({ collection: name, documents: page.documents, checkpoint: page.last });
        this.at.set(name, page.last);
      }
    }
    if (changes.length === 0 && pull.length === 0) return null;
    return { checkpoint: this.clock, changes, pull };
  }
}

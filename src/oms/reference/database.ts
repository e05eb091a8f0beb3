import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { applyMigrations } from './migrations.js';

/**
 * Opens PGlite with the schema applied. A new in-memory database costs seconds (PGlite runs initdb
 * every time), so the first one of the process is dumped right after its migrations, before any
 * data, and later in-memory opens load that template instead: ~0.7 s instead of ~4 s, which is
 * what makes one database per test affordable. A folder is opened as is (initdb runs only once).
 */

let inMemoryTemplate: Promise<Blob> | undefined;

export async function openDatabase(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir !== undefined && dataDir !== 'memory://') {
    // PGlite creates the last folder only: `OMS_DATA_DIR=.data/oms` on a fresh checkout needs .data too.
    mkdirSync(dataDir, { recursive: true });
    return migrated(await PGlite.create(dataDir));
  }

  const template = inMemoryTemplate;
  if (template !== undefined) {
    try {
      return await migrated(await PGlite.create({ loadDataDir: await template }));
    } catch {
      // A broken template must not break opening: forget it and build the database from scratch.
      if (inMemoryTemplate === template) inMemoryTemplate = undefined;
    }
  }
  const db = await migrated(await PGlite.create('memory://'));
  if (inMemoryTemplate === undefined) {
    const dump = db.dumpDataDir('gzip');
    inMemoryTemplate = dump;
    await dump.catch(() => {
      if (inMemoryTemplate === dump) inMemoryTemplate = undefined;
    });
  }
  return db;
}

async function migrated(db: PGlite): Promise<PGlite> {
  try {
    await applyMigrations(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

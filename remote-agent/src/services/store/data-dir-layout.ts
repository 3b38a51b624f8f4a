import { join } from 'node:path';

/** The files of the agent's data dir that hold or guard its database. */
export interface DataDirLayout {
  dataDir: string;
  database: string;
  /** Written once a database exists here: from then on a missing database is a loss, not a first start. */
  marker: string;
  backupsDir: string;
  xrayConfig: string;
}

export const DATABASE_FILE = 'keyport.db';
export const MARKER_FILE = 'database-created';
export const BACKUPS_DIR = 'backups';

export function dataDirLayout(dataDir: string, xrayConfig: string): DataDirLayout {
  return {
    dataDir,
    database: join(dataDir, DATABASE_FILE),
    marker: join(dataDir, MARKER_FILE),
    backupsDir: join(dataDir, BACKUPS_DIR),
    xrayConfig,
  };
}

/** SQLite's companions of a database file in WAL mode. */
export const databaseCompanions = (database: string) => [`${database}-wal`, `${database}-shm`];

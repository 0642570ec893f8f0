import fs from 'node:fs';
import type { Command } from 'commander';
import { resolveDbPath, storedSchemaVersion } from '../../store/db';
import { changeSetting, describeSettings, SETTING_KEYS } from '../../config/settings';
import { render } from '../../../reports/render';
import { outputFormat } from '../output';
import { dbOption, outputOption, TABLE_FORMATS } from '../options';
import { readDb, writeDb } from '../db';

export function configShow(f: { db?: string; format?: string }): string {
  return readDb(f.db, (db) =>
    render(describeSettings(db), [{ key: 'key', title: 'setting' }, { key: 'value', title: 'value' }, { key: 'meaning', title: 'meaning' }], outputFormat(f.format)),
  );
}

export function configSet(key: string, value: string, f: { db?: string }): string {
  return writeDb(f.db, (db) => {
    const note = changeSetting(db, key, value);
    return `${key} = ${value}${note ? `; ${note}` : ''}\n`;
  });
}

/** `portledger migrate`: brings a database written by an older version to this one's schema. */
export function migrate(f: { db?: string }): string {
  const file = resolveDbPath(f.db);
  if (!fs.existsSync(file)) throw new Error(`no database at ${file}`);
  const before = storedSchemaVersion(file);
  return writeDb(f.db, (db) => {
    const now = db.pragma('user_version', { simple: true }) as number;
    return before === now ? `${file} is up to date (schema ${now})\n` : `${file} migrated from schema ${before} to ${now}\n`;
  });
}

export function register(program: Command): void {
  const config = program.command('config').description('settings stored in the database (home networks, WAN interfaces, zone, detector thresholds)');
  config
    .command('show')
    .description('every setting with its value and meaning')
    .addOption(outputOption(TABLE_FORMATS))
    .addOption(dbOption())
    .action((o) => void process.stdout.write(configShow(o)));
  config
    .command('set')
    .description('change a setting (checked; a new zone rebuilds the rollups)')
    .argument('<key>', SETTING_KEYS.join(' | '))
    .argument('<value>', 'comma list for home and wan-if')
    .addOption(dbOption())
    .action((k: string, v: string, o) => void process.stdout.write(configSet(k, v, o)));
  program
    .command('migrate')
    .description('bring a database written by an older portledger to this version (writing commands also do it)')
    .addOption(dbOption())
    .action((o) => void process.stdout.write(migrate(o)));
}

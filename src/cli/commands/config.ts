import fs from 'node:fs';
import type { Command } from 'commander';
import { resolveDbPath, storedSchemaVersion } from '../../store/db';
import { changeSetting, SETTING_KEYS, settingText, settingView, unsetSetting } from '../../config/settings';
import { applyPreset, configView, configViews, PRESET_NAMES } from '../../config/presets';
import { render } from '../../../reports/render';
import { outputFormat, show, tableStyle, type ListingFlags } from '../output';
import { dbOption, listingOptions, outputOption } from '../options';
import { readDb, writeDb } from '../db';

/** `config show`: text in a table, CSV and Markdown (lists as `a,b`); JSON keeps each value's JSON (arrays, numbers). */
export function configShow(f: ListingFlags & { db?: string }): string {
  const fmt = outputFormat(f.format);
  return readDb(f.db, (db) => {
    const views = configViews(db);
    if (fmt === 'json') return render(views, [], fmt);
    const rows = views.map((v) => ({ key: v.key, value: settingText(v.value), default: settingText(v.default), meaning: v.meaning }));
    const cols = [{ key: 'key', title: 'setting' }, { key: 'value', title: 'value' }, { key: 'default', title: 'default' }, { key: 'meaning', title: 'meaning' }] as const;
    return render(rows, [...cols], fmt, 'no settings', tableStyle());
  });
}

/** `config get KEY`: the value alone (a list as `a,b`, what `config set` takes), or as JSON. */
export function configGet(key: string, f: { db?: string; format?: string }): string {
  return readDb(f.db, (db) => {
    const v = configView(db, key).value;
    return (f.format === 'json' ? JSON.stringify(v) : settingText(v)) + '\n';
  });
}

export function configSet(key: string, value: string, f: { db?: string; reclassify?: boolean }): string {
  if (value.trim() === 'null') return configUnset(key, f);
  return writeDb(f.db, (db) => {
    const note = changeSetting(db, key, value, { reclassify: f.reclassify });
    return `${key} = ${settingText(settingView(db, key).value)}${note ? `; ${note}` : ''}\n`;
  });
}

export function configUnset(key: string, f: { db?: string; reclassify?: boolean }): string {
  return writeDb(f.db, (db) => {
    const note = unsetSetting(db, key, { reclassify: f.reclassify });
    return `${key} back to its default: ${settingText(settingView(db, key).value)}${note ? `; ${note}` : ''}\n`;
  });
}

/** `config preset NAME`: the scan thresholds as psad, Zeek or CrowdSec ship them (portledger: the defaults). */
export function configPreset(name: string, f: { db?: string }): string {
  return writeDb(f.db, (db) => `${applyPreset(db, name)}\n`);
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

const RECLASSIFY = "home, wan-if: also re-decide direction and class of the stored events of the addresses or interfaces added or removed (their days' reports are recounted)";

export function register(program: Command): void {
  const config = program.command('config').description('settings stored in the database (home networks, WAN interfaces, zone, retention, detector thresholds)');
  listingOptions(config.command('show').description('every setting with its value, default and meaning (JSON: values as JSON)'))
    .addOption(dbOption())
    .action(async (o) => show(configShow(o), o));
  config
    .command('get')
    .description('one setting\'s value (a list as a,b; --format json: as JSON)')
    .argument('<key>', [...SETTING_KEYS, 'preset'].join(' | '))
    .addOption(outputOption(['text', 'json']))
    .addOption(dbOption())
    .action((k: string, o) => void process.stdout.write(configGet(k, o)));
  config
    .command('set')
    .description('change a setting (checked; a new zone rebuilds the rollups; home and wan-if apply to new events unless --reclassify)')
    .argument('<key>', SETTING_KEYS.join(' | '))
    .argument('<value>', 'text (a comma list for home and wan-if) or JSON (["192.0.2.0/24"], 30, null = unset)')
    .option('--reclassify', RECLASSIFY)
    .addOption(dbOption())
    .action((k: string, v: string, o) => void process.stdout.write(configSet(k, v, o)));
  config
    .command('unset')
    .description('a setting back to its default (tz: this machine\'s zone)')
    .argument('<key>', SETTING_KEYS.join(' | '))
    .option('--reclassify', RECLASSIFY)
    .addOption(dbOption())
    .action((k: string, o) => void process.stdout.write(configUnset(k, o)));
  config
    .command('preset')
    .description('set the scan thresholds as a peer ships them (psad, Zeek, CrowdSec; portledger = the defaults); config show names the preset in effect')
    .argument('<name>', PRESET_NAMES.join(' | '))
    .addOption(dbOption())
    .action((n: string, o) => void process.stdout.write(configPreset(n, o)));
  program
    .command('migrate')
    .description('bring a database written by an older portledger to this version (writing commands also do it)')
    .addOption(dbOption())
    .action((o) => void process.stdout.write(migrate(o)));
}

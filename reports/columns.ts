import { PORT_NOT_LOGGED_TEXT, type Column } from './render';
import type { PortDayRow, SourcesHourRow } from './queries';

export const PORT_DAY_COLUMNS: Column<PortDayRow>[] = [
  { key: 'date', title: 'date' },
  { key: 'port', title: 'port', align: 'right', empty: PORT_NOT_LOGGED_TEXT },
  { key: 'proto', title: 'proto' },
  { key: 'events', title: 'events', align: 'right' },
  { key: 'sources', title: 'sources', align: 'right' },
  { key: 'targets', title: 'targets', align: 'right' },
];

export const SOURCES_HOUR_COLUMNS: Column<SourcesHourRow>[] = [
  { key: 'hour', title: 'hour' },
  { key: 'port', title: 'port', align: 'right', empty: PORT_NOT_LOGGED_TEXT },
  { key: 'proto', title: 'proto' },
  { key: 'sources', title: 'sources', align: 'right' },
];

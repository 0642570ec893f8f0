/**
 * The one time-zone abbreviation table, and the rule for reading a zone a device wrote after its
 * own stamp (`… 09:34:34 EDT`, `time="2024-03-05 14:22:01 CST"`, `… -05:00`).
 *
 * - Offsets (`Z`, `+02:00`, `-0500`) and names with one meaning (`UTC`, `CET`, `EDT`, `JST`…)
 *   are honoured as written, whatever --tz says.
 * - Abbreviations that regions in common use write with different meanings — CST (US Central
 *   −6, China +8, Cuba −5), CDT, IST (India, Ireland, Israel), AST (Atlantic, Arabia), BST
 *   (British Summer, Bangladesh), PST (US Pacific, Philippines) — take the meaning of the region
 *   the --tz zone belongs to (`--tz Asia/Shanghai`: CST is +8; `--tz America/Chicago`: −6). The
 *   meaning is the abbreviation's fixed offset, not the --tz zone's offset at that date: a Cisco
 *   router set to `clock timezone CST -6` without summer time prints CST all year and runs at −6
 *   all year. When --tz is in none of the regions, the line is the reject
 *   `ambiguous-time-zone`: guessing would shift it by up to 14 hours, silently.
 * - Anything else is unknown (`unknown-time-zone` where the field can only be a zone).
 */

/** Minutes east of UTC of the abbreviations with one meaning. */
const UNAMBIGUOUS: Readonly<Record<string, number>> = {
  UTC: 0, UT: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120,
  EEST: 180, MSK: 180, IDT: 180, SAST: 120, CAT: 120, EAT: 180, WAT: 60,
  EST: -300, EDT: -240, MST: -420, MDT: -360, PDT: -420, AKST: -540, AKDT: -480, HST: -600, HDT: -540,
  ADT: -180, NST: -210, NDT: -150,
  PKT: 300, WIB: 420, HKT: 480, SGT: 480, AWST: 480, JST: 540, KST: 540, ACST: 570, ACDT: 630,
  AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

interface Reading {
  offset: number;
  /** IANA zones (canonical names and their common links) of the region that writes it so. */
  zones: readonly string[];
}

const US_CENTRAL = [
  'America/Chicago', 'America/Indiana/Knox', 'America/Indiana/Tell_City', 'America/Knox_IN', 'America/Menominee',
  'America/North_Dakota/Beulah', 'America/North_Dakota/Center', 'America/North_Dakota/New_Salem',
  'America/Winnipeg', 'America/Rainy_River', 'America/Rankin_Inlet', 'America/Resolute', 'America/Regina',
  'America/Swift_Current', 'America/Matamoros', 'America/Ojinaga', 'America/Mexico_City', 'America/Monterrey',
  'America/Merida', 'America/Bahia_Banderas', 'America/Chihuahua', 'America/Belize', 'America/Costa_Rica',
  'America/El_Salvador', 'America/Guatemala', 'America/Tegucigalpa', 'America/Managua',
  'US/Central', 'US/Indiana-Starke', 'Canada/Central', 'Canada/Saskatchewan', 'Mexico/General', 'CST6CDT',
];
const CHINA = ['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'PRC', 'Asia/Taipei', 'ROC', 'Asia/Macau', 'Asia/Macao'];
const CUBA = ['America/Havana', 'Cuba'];
const US_PACIFIC = ['America/Los_Angeles', 'America/Vancouver', 'America/Tijuana', 'America/Ensenada', 'America/Santa_Isabel', 'US/Pacific', 'Canada/Pacific', 'Mexico/BajaNorte', 'PST8PDT'];
const ATLANTIC = [
  'America/Halifax', 'America/Glace_Bay', 'America/Moncton', 'America/Goose_Bay', 'America/Thule', 'Atlantic/Bermuda',
  'America/Puerto_Rico', 'America/Santo_Domingo', 'America/Barbados', 'America/Martinique', 'America/Port_of_Spain',
  'America/Anguilla', 'America/Antigua', 'America/Aruba', 'America/Curacao', 'America/Dominica', 'America/Grenada',
  'America/Guadeloupe', 'America/Kralendijk', 'America/Lower_Princes', 'America/Marigot', 'America/Montserrat',
  'America/St_Barthelemy', 'America/St_Kitts', 'America/St_Lucia', 'America/St_Thomas', 'America/St_Vincent',
  'America/Tortola', 'Canada/Atlantic',
];

/** The abbreviations regions write with different meanings, each reading with its region. */
const AMBIGUOUS: Readonly<Record<string, readonly Reading[]>> = {
  CST: [{ offset: -360, zones: US_CENTRAL }, { offset: 480, zones: CHINA }, { offset: -300, zones: CUBA }],
  CDT: [{ offset: -300, zones: US_CENTRAL }, { offset: -240, zones: CUBA }],
  IST: [
    { offset: 330, zones: ['Asia/Kolkata', 'Asia/Calcutta'] },
    { offset: 60, zones: ['Europe/Dublin', 'Eire'] },
    { offset: 120, zones: ['Asia/Jerusalem', 'Asia/Tel_Aviv', 'Israel'] },
  ],
  AST: [{ offset: -240, zones: ATLANTIC }, { offset: 180, zones: ['Asia/Riyadh', 'Asia/Aden', 'Asia/Kuwait', 'Asia/Baghdad', 'Asia/Qatar', 'Asia/Bahrain'] }],
  BST: [
    { offset: 60, zones: ['Europe/London', 'Europe/Belfast', 'Europe/Guernsey', 'Europe/Isle_of_Man', 'Europe/Jersey', 'GB', 'GB-Eire'] },
    { offset: 360, zones: ['Asia/Dhaka', 'Asia/Dacca'] },
  ],
  PST: [{ offset: -480, zones: US_PACIFIC }, { offset: 480, zones: ['Asia/Manila'] }],
};

/** Whether `word` is a zone abbreviation this table knows, with one meaning or several. */
export function isZoneAbbreviation(word: string): boolean {
  return Object.hasOwn(UNAMBIGUOUS, word) || Object.hasOwn(AMBIGUOUS, word);
}

/**
 * Minutes east of UTC of a zone written after a stamp, for a log whose zone is `tz` (--tz):
 * a number; `'ambiguous'` for an abbreviation several regions write when `tz` is in none of
 * them; undefined when it is neither an offset nor a known abbreviation.
 */
export function zoneOffset(z: string, tz: string): number | 'ambiguous' | undefined {
  const fixed = UNAMBIGUOUS[z];
  if (fixed !== undefined && Object.hasOwn(UNAMBIGUOUS, z)) return fixed;
  const c = z.charCodeAt(0);
  if (c === 43 /* + */ || c === 45 /* - */) return numericOffset(z);
  if (z === 'z') return 0;
  if (!Object.hasOwn(AMBIGUOUS, z)) return undefined;
  for (const r of AMBIGUOUS[z]) if (r.zones.includes(tz)) return r.offset;
  return 'ambiguous';
}

/** `+02:00`, `-0500`, `+02`: minutes east of UTC; undefined for anything else. */
function numericOffset(z: string): number | undefined {
  const digits = z.length === 6 && z.charCodeAt(3) === 58 ? z.slice(1, 3) + z.slice(4) : z.slice(1);
  if (!/^\d{2}(?:\d{2})?$/.test(digits)) return undefined;
  const h = +digits.slice(0, 2);
  const m = digits.length > 2 ? +digits.slice(2) : 0;
  if (h > 14 || m > 59) return undefined;
  const off = h * 60 + m;
  return z.charCodeAt(0) === 45 ? -off : off;
}

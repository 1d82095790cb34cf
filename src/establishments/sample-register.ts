/**
 * The fictitious establishment register shipped with s2s: five local authorities (four English, one Welsh)
 * and their schools, in the shape of a GIAS extract. The demo, the tests and the CTF generator all use it,
 * so every LAEstab they mention exists. Names are invented; LA codes follow the real numbering so that
 * nation rules (660–681 is Wales) and renumbering behave as they would on real data.
 */

export type Nation = 'england' | 'wales';

export interface SampleLocalAuthority {
  code: string;
  name: string;
  nation: Nation;
}

export interface SampleEstablishment {
  urn: string;
  laCode: string;
  laName: string;
  establishmentNumber: string;
  laestab: string;
  name: string;
  typeCode: string;
  typeName: string;
  typeGroup: string;
  statusCode: string;
  statusName: 'Open' | 'Closed' | 'Open, but proposed to close' | 'Proposed to open';
  openDate: string;
  closeDate: string;
  phase: string;
  lowAge: number;
  highAge: number;
  street: string;
  locality: string;
  town: string;
  postcode: string;
  previousLaCode: string;
  previousEstablishmentNumber: string;
  ukprn: string;
  lastChangedDate: string;
}

export const sampleLocalAuthorities: readonly SampleLocalAuthority[] = [
  { code: '823', name: 'Ashdown Vale', nation: 'england' },
  { code: '330', name: 'Brackenford', nation: 'england' },
  { code: '909', name: 'Kestrel Moor', nation: 'england' },
  { code: '940', name: 'Northwold', nation: 'england' },
  { code: '660', name: 'Cwm Derwen', nation: 'wales' },
];

type Kind =
  | 'community-primary'
  | 'community-secondary'
  | 'vc-primary'
  | 'academy-converter-primary'
  | 'academy-sponsor-secondary'
  | 'free-school'
  | 'special'
  | 'welsh';

const kinds: Record<
  Kind,
  { typeCode: string; typeName: string; typeGroup: string; phase: string; low: number; high: number }
> = {
  'community-primary': {
    typeCode: '1',
    typeName: 'Community school',
    typeGroup: 'Local authority maintained schools',
    phase: 'Primary',
    low: 4,
    high: 11,
  },
  'community-secondary': {
    typeCode: '1',
    typeName: 'Community school',
    typeGroup: 'Local authority maintained schools',
    phase: 'Secondary',
    low: 11,
    high: 16,
  },
  'vc-primary': {
    typeCode: '3',
    typeName: 'Voluntary controlled school',
    typeGroup: 'Local authority maintained schools',
    phase: 'Primary',
    low: 4,
    high: 11,
  },
  'academy-converter-primary': {
    typeCode: '34',
    typeName: 'Academy converter',
    typeGroup: 'Academies',
    phase: 'Primary',
    low: 4,
    high: 11,
  },
  'academy-sponsor-secondary': {
    typeCode: '28',
    typeName: 'Academy sponsor led',
    typeGroup: 'Academies',
    phase: 'Secondary',
    low: 11,
    high: 18,
  },
  'free-school': {
    typeCode: '35',
    typeName: 'Free schools',
    typeGroup: 'Free Schools',
    phase: 'All-through',
    low: 4,
    high: 18,
  },
  special: {
    typeCode: '7',
    typeName: 'Community special school',
    typeGroup: 'Special schools',
    phase: 'Not applicable',
    low: 3,
    high: 19,
  },
  welsh: {
    typeCode: '30',
    typeName: 'Welsh establishment',
    typeGroup: 'Welsh schools',
    phase: 'Not applicable',
    low: 3,
    high: 19,
  },
};

interface Row {
  urn: string;
  la: string;
  estab: string;
  name: string;
  kind: Kind;
  status?: SampleEstablishment['statusName'];
  open?: string;
  close?: string;
  town: string;
  postcode: string;
  previous?: string;
}

// One line a school. URNs are six digits from 900001 up, a range GIAS does not use for real schools.
const rows: Row[] = [
  // Ashdown Vale (823): includes the renumbered academy that the "old number" pain is about.
  {
    urn: '900001',
    la: '823',
    estab: '2001',
    name: 'Meadowbank Primary School',
    kind: 'community-primary',
    status: 'Closed',
    close: '2023-08-31',
    town: 'Ashdown',
    postcode: 'AV1 2AB',
  },
  {
    urn: '900002',
    la: '823',
    estab: '2002',
    name: "St Aidan's CofE Primary School",
    kind: 'vc-primary',
    town: 'Ashdown',
    postcode: 'AV1 3CD',
  },
  {
    urn: '900003',
    la: '823',
    estab: '2003',
    name: 'Hollins Lane Primary School',
    kind: 'community-primary',
    town: 'Ashdown',
    postcode: 'AV2 4EF',
  },
  {
    urn: '900004',
    la: '823',
    estab: '4001',
    name: 'Ashdown Vale Academy',
    kind: 'academy-sponsor-secondary',
    town: 'Ashdown',
    postcode: 'AV2 5GH',
  },
  {
    urn: '900005',
    la: '823',
    estab: '2004',
    name: 'Fernlea Infant and Nursery School',
    kind: 'community-primary',
    status: 'Open, but proposed to close',
    town: 'Wexcombe',
    postcode: 'AV3 6JK',
  },
  {
    urn: '900006',
    la: '823',
    estab: '7001',
    name: 'Riverside Special School',
    kind: 'special',
    town: 'Wexcombe',
    postcode: 'AV3 7LM',
  },
  {
    urn: '900007',
    la: '823',
    estab: '4002',
    name: 'Sycamore Free School',
    kind: 'free-school',
    status: 'Proposed to open',
    open: '2027-09-01',
    town: 'Ashdown',
    postcode: 'AV1 8NP',
  },
  {
    urn: '900008',
    la: '823',
    estab: '2005',
    name: 'Meadowbank Primary Academy',
    kind: 'academy-converter-primary',
    open: '2023-09-01',
    town: 'Ashdown',
    postcode: 'AV1 2AB',
    previous: '8232001',
  },
  {
    urn: '900009',
    la: '823',
    estab: '4003',
    name: 'Castle Hill School',
    kind: 'community-secondary',
    town: 'Wexcombe',
    postcode: 'AV3 9QR',
  },
  // Brackenford (330)
  {
    urn: '900101',
    la: '330',
    estab: '2101',
    name: 'Brackenford Park Primary School',
    kind: 'community-primary',
    town: 'Brackenford',
    postcode: 'BK1 1AA',
  },
  {
    urn: '900102',
    la: '330',
    estab: '2102',
    name: 'Our Lady of Lourdes Catholic Primary School',
    kind: 'vc-primary',
    town: 'Brackenford',
    postcode: 'BK1 2BB',
  },
  {
    urn: '900103',
    la: '330',
    estab: '4101',
    name: 'Brackenford High School',
    kind: 'community-secondary',
    town: 'Brackenford',
    postcode: 'BK2 3CC',
  },
  {
    urn: '900104',
    la: '330',
    estab: '2103',
    name: 'Elmwood Junior School',
    kind: 'community-primary',
    status: 'Closed',
    close: '2021-07-31',
    town: 'Brackenford',
    postcode: 'BK2 4DD',
  },
  {
    urn: '900105',
    la: '330',
    estab: '6901',
    name: 'Oakridge Academy',
    kind: 'academy-sponsor-secondary',
    town: 'Linthorpe',
    postcode: 'BK3 5EE',
  },
  {
    urn: '900106',
    la: '330',
    estab: '2104',
    name: 'Linthorpe Village Primary School',
    kind: 'community-primary',
    town: 'Linthorpe',
    postcode: 'BK3 6FF',
  },
  // Kestrel Moor (909)
  {
    urn: '900201',
    la: '909',
    estab: '2201',
    name: 'Kestrel Moor Primary School',
    kind: 'community-primary',
    town: 'Moorhead',
    postcode: 'KM1 1AB',
  },
  {
    urn: '900202',
    la: '909',
    estab: '2202',
    name: 'Ravensdale Church of England Primary School',
    kind: 'vc-primary',
    town: 'Ravensdale',
    postcode: 'KM2 2CD',
  },
  {
    urn: '900203',
    la: '909',
    estab: '4201',
    name: 'Moorhead Community College',
    kind: 'community-secondary',
    town: 'Moorhead',
    postcode: 'KM1 3EF',
  },
  {
    urn: '900204',
    la: '909',
    estab: '7201',
    name: 'Heatherbank School',
    kind: 'special',
    town: 'Moorhead',
    postcode: 'KM1 4GH',
  },
  {
    urn: '900205',
    la: '909',
    estab: '2203',
    name: 'Thornbury Primary Academy',
    kind: 'academy-converter-primary',
    town: 'Thornbury',
    postcode: 'KM3 5JK',
  },
  // Northwold (940): a code created after 2011.
  {
    urn: '900301',
    la: '940',
    estab: '2301',
    name: 'Northwold Primary School',
    kind: 'community-primary',
    town: 'Northwold',
    postcode: 'NW9 1AA',
  },
  {
    urn: '900302',
    la: '940',
    estab: '4301',
    name: 'Northwold Academy',
    kind: 'academy-sponsor-secondary',
    town: 'Northwold',
    postcode: 'NW9 2BB',
  },
  {
    urn: '900303',
    la: '940',
    estab: '2302',
    name: 'Barrow Green Primary School',
    kind: 'community-primary',
    town: 'Barrow Green',
    postcode: 'NW9 3CC',
  },
  // Cwm Derwen (660), Wales.
  {
    urn: '900401',
    la: '660',
    estab: '2401',
    name: 'Ysgol Gynradd Pen-y-Bryn',
    kind: 'welsh',
    town: 'Derwen',
    postcode: 'CD1 1AA',
  },
  {
    urn: '900402',
    la: '660',
    estab: '2402',
    name: 'Ysgol Gymraeg Bro Dâf',
    kind: 'welsh',
    town: 'Derwen',
    postcode: 'CD1 2BB',
  },
  {
    urn: '900403',
    la: '660',
    estab: '4401',
    name: 'Ysgol Uwchradd Cwm Derwen',
    kind: 'welsh',
    town: 'Llanfair',
    postcode: 'CD2 3CC',
  },
  {
    urn: '900404',
    la: '660',
    estab: '2403',
    name: 'Ysgol Glan Môr',
    kind: 'welsh',
    status: 'Closed',
    close: '2022-12-31',
    town: 'Llanfair',
    postcode: 'CD2 4DD',
  },
];

const statusCodes: Record<SampleEstablishment['statusName'], string> = {
  Open: '1',
  Closed: '2',
  'Open, but proposed to close': '3',
  'Proposed to open': '4',
};

function laName(code: string): string {
  const la = sampleLocalAuthorities.find((l) => l.code === code);
  if (!la) throw new Error(`sample register: no local authority ${code}`);
  return la.name;
}

export const sampleEstablishments: readonly SampleEstablishment[] = rows.map((row) => {
  const kind = kinds[row.kind];
  const status = row.status ?? 'Open';
  return {
    urn: row.urn,
    laCode: row.la,
    laName: laName(row.la),
    establishmentNumber: row.estab,
    laestab: row.la + row.estab,
    name: row.name,
    typeCode: kind.typeCode,
    typeName: kind.typeName,
    typeGroup: kind.typeGroup,
    statusCode: statusCodes[status],
    statusName: status,
    openDate: row.open ?? '',
    closeDate: row.close ?? '',
    phase: kind.phase,
    lowAge: kind.low,
    highAge: kind.high,
    street: `${Number(row.urn) % 97} ${row.name.split(' ')[0]} Road`,
    locality: '',
    town: row.town,
    postcode: row.postcode,
    previousLaCode: row.previous ? row.previous.slice(0, 3) : '',
    previousEstablishmentNumber: row.previous ? row.previous.slice(3) : '',
    ukprn: row.kind.startsWith('academy') || row.kind === 'free-school' ? `1009${row.urn.slice(2)}` : '',
    lastChangedDate: '2026-09-01',
  };
});

/** Open establishments that can receive files: the generator sends between these. */
export function openSampleEstablishments(): SampleEstablishment[] {
  return sampleEstablishments.filter((e) => e.statusName === 'Open' || e.statusName === 'Open, but proposed to close');
}

/** GIAS column order (a subset of the real extract's ~140 columns, with a few the importer ignores). */
const giasColumns: Array<[string, (e: SampleEstablishment) => string]> = [
  ['URN', (e) => e.urn],
  ['LA (code)', (e) => e.laCode],
  ['LA (name)', (e) => e.laName],
  ['EstablishmentNumber', (e) => e.establishmentNumber],
  ['EstablishmentName', (e) => e.name],
  ['TypeOfEstablishment (code)', (e) => e.typeCode],
  ['TypeOfEstablishment (name)', (e) => e.typeName],
  ['EstablishmentTypeGroup (code)', () => ''],
  ['EstablishmentTypeGroup (name)', (e) => e.typeGroup],
  ['EstablishmentStatus (code)', (e) => e.statusCode],
  ['EstablishmentStatus (name)', (e) => e.statusName],
  ['ReasonEstablishmentOpened (name)', (e) => (e.previousLaCode ? 'Academy Converter' : 'Not applicable')],
  ['OpenDate', (e) => giasDate(e.openDate)],
  ['ReasonEstablishmentClosed (name)', (e) => (e.closeDate ? 'Academy Converter' : 'Not applicable')],
  ['CloseDate', (e) => giasDate(e.closeDate)],
  ['PhaseOfEducation (name)', (e) => e.phase],
  ['StatutoryLowAge', (e) => String(e.lowAge)],
  ['StatutoryHighAge', (e) => String(e.highAge)],
  ['Street', (e) => e.street],
  ['Locality', (e) => e.locality],
  ['Town', (e) => e.town],
  ['Postcode', (e) => e.postcode],
  ['UKPRN', (e) => e.ukprn],
  ['LastChangedDate', (e) => giasDate(e.lastChangedDate)],
  ['PreviousLA (code)', (e) => e.previousLaCode],
  ['PreviousEstablishmentNumber', (e) => e.previousEstablishmentNumber],
];

function giasDate(iso: string): string {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${d}-${m}-${y}`;
}

/** The sample register as GIAS writes it: CSV text, CRLF line ends (encode with Windows-1252 to write it). */
export function sampleRegisterCsvText(establishments: readonly SampleEstablishment[] = sampleEstablishments): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = [giasColumns.map(([name]) => quote(name)).join(',')];
  for (const e of establishments) lines.push(giasColumns.map(([, value]) => quote(value(e))).join(','));
  return lines.join('\r\n') + '\r\n';
}

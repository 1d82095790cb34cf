/**
 * How repository search keys were made when migration 0019 was written (src/repository/name-forms.ts and
 * search-keys.ts as they stood then), copied here and frozen: a migration must do tomorrow what it did the day it was
 * written, whatever the live search comes to do. Change the live code freely; never change this file. A migration
 * that needs keys made another way copies that way into a file of its own.
 */
import { doubleMetaphone } from 'double-metaphone';

interface IndexedNames {
  surname: string | null;
  forename: string | null;
  middleNames: string | null;
  preferredSurname: string | null;
  preferredForename: string | null;
  formerSurname: string | null;
  formerForename: string | null;
}

const letterFolds: Record<string, string> = { ł: 'l', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ı: 'i', þ: 'th' };

// Names repeat (there are only so many Smiths and Olivias), and a search scores hundreds of candidates, so folded
// forms and sound codes are remembered; the memo is emptied when full rather than grown without bound.
const MEMO_LIMIT = 50_000;
function memo<T>(compute: (name: string) => T): (name: string) => T {
  const cache = new Map<string, T>();
  return (name) => {
    let value = cache.get(name);
    if (value === undefined) {
      if (cache.size >= MEMO_LIMIT) cache.clear();
      value = compute(name);
      cache.set(name, value);
    }
    return value;
  };
}

/** `Zoë O’Brien-Ní Dhuinn` → `zoe obrien-ni dhuinn`: plain lower-case letters, hyphens and single spaces. */
const foldName = memo((name: string): string =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łøæœßđıþ]/g, (ch) => letterFolds[ch] ?? ch)
    .replace(/['’‘`´.]/g, '')
    .replace(/[^a-z\s-]/g, ' ')
    .replace(/\s*-\s*/g, '-')
    .replace(/\s+/g, ' ')
    .trim(),
);

/** The name as one word (`obrienni dhuinn` → `obrienni­dhuinn`), for comparing whole names. */
const compactName = memo((name: string): string => foldName(name).replace(/[\s-]/g, ''));

/** The parts of a folded name: `smith-jones` → `smith`, `jones`. Particles of two letters or fewer are kept. */
const nameParts = memo((name: string): readonly string[] =>
  foldName(name)
    .split(/[\s-]+/)
    .filter((p) => p !== ''),
);

/** Sound codes of a name (primary and alternative Double Metaphone), empty for a name with no letters. */
const soundCodes = memo((name: string): readonly string[] => {
  const compact = compactName(name);
  if (compact === '') return [];
  const [primary, alternative] = doubleMetaphone(compact);
  return primary === alternative ? [primary] : [primary, alternative];
});

/**
 * First names that are the same person's name: short forms, pet names and spellings no sound code links (Niamh and
 * Neve). A name may belong to several groups (Charlie: Charles and Charlotte). Written from common English, Welsh,
 * Irish and community usage; not exhaustive, which is why sound codes and spelling distance back it up.
 */
const firstNameGroups: readonly (readonly string[])[] = [
  ['william', 'will', 'bill', 'billy', 'liam', 'wills'],
  ['thomas', 'tom', 'tommy', 'thom'],
  ['james', 'jim', 'jimmy', 'jamie', 'jimmie'],
  ['joshua', 'josh'],
  ['daniel', 'dan', 'danny'],
  ['samuel', 'sam', 'sammy'],
  ['samantha', 'sam', 'sammy'],
  ['henry', 'harry', 'hal', 'hank'],
  ['harrison', 'harry'],
  ['jonathan', 'jon', 'jonny', 'jonty'],
  ['john', 'jack', 'johnny', 'jonny'],
  ['matthew', 'matt', 'matty'],
  ['stephen', 'steve', 'stevie', 'steven'],
  ['alfred', 'alfie', 'alf'],
  ['frederick', 'freddie', 'fred', 'freddy'],
  ['archibald', 'archie'],
  ['elizabeth', 'liz', 'lizzie', 'lizzy', 'beth', 'betty', 'eliza', 'libby', 'elsie', 'bess'],
  ['katherine', 'catherine', 'kathryn', 'kate', 'katie', 'kathy', 'cathy', 'kat', 'kitty'],
  ['charlotte', 'lottie', 'charlie', 'lotte'],
  ['charles', 'charlie', 'chas', 'chuck'],
  ['rebecca', 'becky', 'becca', 'bex'],
  ['jessica', 'jess', 'jessie'],
  ['amelia', 'millie', 'mia'],
  ['emily', 'millie', 'em'],
  ['olivia', 'liv', 'livvy', 'livia'],
  ['annemarie', 'annie', 'anne', 'marie'],
  ['anne', 'ann', 'annie', 'anna'],
  ['mohammed', 'muhammad', 'mohamed', 'mohammad', 'muhammed', 'mohamad', 'mo', 'moe'],
  ['aleksander', 'olek', 'alek', 'alex', 'oleksandr'],
  ['alexander', 'alex', 'alec', 'sandy', 'xander', 'alexandru', 'aleksander'],
  ['aleksandra', 'ola', 'ola', 'alex'],
  ['alexandra', 'alex', 'lexi', 'sasha', 'alexa', 'aleksandra'],
  ['katarzyna', 'kasia', 'kate'],
  ['malgorzata', 'gosia', 'margaret'],
  ['magdalena', 'magda'],
  ['wojciech', 'wojtek'],
  ['abdirahman', 'abdi'],
  ['abdullahi', 'abdi', 'abdullah'],
  ['abdikarim', 'abdi'],
  ['padraig', 'paddy', 'patrick', 'pat'],
  ['patrick', 'pat', 'paddy'],
  ['gwenllian', 'gwen'],
  ['gwendolyn', 'gwen'],
  ['ibrahim', 'ibby', 'ibi'],
  ['oluwaseun', 'seun'],
  ['oluwadamilola', 'dami', 'lola', 'damilola'],
  ['tobiloba', 'tobi'],
  ['chukwuemeka', 'emeka'],
  ['babatunde', 'tunde'],
  ['folasade', 'sade'],
  ['temitope', 'tope'],
  ['funmilayo', 'funmi'],
  ['yousef', 'joe', 'yusuf', 'joseph'],
  ['goncalo', 'gonca'],
  ['robert', 'rob', 'robbie', 'bob', 'bobby', 'bert'],
  ['richard', 'rich', 'richie', 'rick', 'ricky', 'dick'],
  ['edward', 'ed', 'eddie', 'ted', 'teddy', 'ned'],
  ['michael', 'mike', 'mikey', 'mick', 'mickey'],
  ['christopher', 'chris', 'kit'],
  ['nicholas', 'nick', 'nicky'],
  ['benjamin', 'ben', 'benny', 'benji'],
  ['anthony', 'tony', 'ant'],
  ['andrew', 'andy', 'drew'],
  ['joseph', 'joe', 'joey', 'jo'],
  ['david', 'dave', 'davey', 'dai', 'dafydd'],
  ['peter', 'pete'],
  ['timothy', 'tim', 'timmy'],
  ['zachary', 'zach', 'zak', 'zack'],
  ['nathaniel', 'nathan', 'nate', 'nat'],
  ['gabriel', 'gabe'],
  ['isabella', 'isabel', 'isabelle', 'bella', 'izzy', 'issy', 'isobel'],
  ['eleanor', 'ellie', 'nell', 'nellie', 'elly'],
  ['gabriella', 'gabby', 'gabi'],
  ['victoria', 'vicky', 'tori'],
  ['jennifer', 'jen', 'jenny'],
  ['margaret', 'maggie', 'meg', 'peggy', 'megan'],
  ['susan', 'sue', 'susie'],
  ['deborah', 'debbie', 'deb'],
  ['abigail', 'abby', 'abbie', 'gail'],
  ['natasha', 'tash', 'tasha'],
  ['sophia', 'sophie', 'sofia', 'zofia'],
  ['mary', 'molly', 'polly', 'mae'],
  ['sarah', 'sally', 'sara'],
  ['florence', 'flo', 'florrie'],
  ['matilda', 'tilly', 'tilda'],
  ['theodore', 'theo', 'ted', 'teddy'],
  ['oliver', 'ollie', 'olly'],
  ['louis', 'lou', 'lewis'],
  ['louise', 'lou', 'lulu'],
  ['penelope', 'penny'],
  ['josephine', 'josie', 'jo'],
  ['georgina', 'georgie'],
  ['georgia', 'georgie'],
  ['george', 'georgie'],
  ['frances', 'fran', 'frankie'],
  ['francis', 'frank', 'frankie'],
  ['lawrence', 'larry', 'laurie'],
  ['leonard', 'leo', 'len', 'lenny'],
  ['leonardo', 'leo'],
  ['cameron', 'cam'],
  ['kenneth', 'ken', 'kenny'],
  ['ronald', 'ron', 'ronnie'],
  ['jacob', 'jake', 'jakub', 'yakub'],
  ['evelyn', 'evie'],
  ['eva', 'evie'],
  ['hannah', 'hanna'],
  ['jasmine', 'jaz', 'jazz', 'yasmin'],
  ['alice', 'ali', 'allie'],
  ['ali', 'alistair'],
  ['ruaridh', 'rory', 'ruairi'],
  ['eoin', 'owen'],
  ['sean', 'shaun', 'shawn', 'sian'],
  ['niamh', 'neve', 'neeve', 'nieve'],
  ['siobhan', 'shivaun', 'shevaun'],
  ['aoife', 'eefa', 'ifa', 'eva'],
  ['caoimhe', 'keeva', 'kiva'],
  ['saoirse', 'seersha', 'sorcha'],
  ['tadhg', 'teague', 'tiege'],
  ['cian', 'kian', 'keane'],
  ['ciara', 'kiara', 'keira', 'kira'],
  ['darragh', 'dara', 'darra'],
  ['dylan', 'dilan'],
  ['rhys', 'reece', 'reese', 'rees'],
  ['sion', 'shaun', 'john'],
  ['sian', 'shan', 'jane'],
  ['ieuan', 'iwan', 'evan'],
  ['llywelyn', 'llew', 'lew'],
  ['angharad', 'anga'],
  ['sebastian', 'seb', 'sebby', 'bastian'],
  ['harriet', 'hattie', 'hatty', 'harry'],
  ['stephanie', 'steph', 'stef', 'stevie'],
  ['natalie', 'nat', 'nattie', 'tally'],
  ['tobias', 'toby', 'tobi'],
  ['madeleine', 'madeline', 'madelyn', 'maddie', 'maddy'],
  ['dominic', 'dom', 'dominik'],
  ['imogen', 'immy', 'imi'],
  ['zachary', 'zac'],
  ['tomasz', 'tomek', 'tom'],
  ['krzysztof', 'krzys', 'chris'],
  ['francisco', 'chico', 'paco', 'fran'],
  ['oluwatoyin', 'toyin'],
  ['oluwakemi', 'kemi'],
  ['oluwafemi', 'femi'],
  ['oluwatobi', 'tobi'],
  ['oluwatosin', 'tosin'],
  ['katie', 'kate'],
  ['daniela', 'dani'],
  ['gabrielle', 'gabby', 'gabi'],
  ['jacqueline', 'jackie'],
  ['veronica', 'ronnie'],
  ['florian', 'flo'],
];

const groupsByName = new Map<string, Set<number>>();
firstNameGroups.forEach((group, index) => {
  for (const name of group) {
    const known = groupsByName.get(name) ?? new Set<number>();
    known.add(index);
    groupsByName.set(name, known);
  }
});

/** The first-name groups a name belongs to, as stable keys (`g12`), for indexing. */
function firstNameGroupKeys(name: string): string[] {
  return [...(groupsByName.get(compactName(name)) ?? [])].map((index) => `g${index}`);
}

/** Sound codes of a surname, its parts, and any other surname the child is known by. */
function surnameCodes(names: readonly (string | null)[]): Set<string> {
  const codes = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    for (const code of soundCodes(name)) codes.add(code);
    const parts = nameParts(name);
    if (parts.length > 1) for (const part of parts) for (const code of soundCodes(part)) codes.add(code);
  }
  return codes;
}

/** Sound codes and first-name groups of every first or middle name the child is known by. */
function forenameCodes(names: readonly (string | null)[]): Set<string> {
  const codes = new Set<string>();
  for (const name of names) {
    if (!name) continue;
    for (const part of [name, ...nameParts(name)]) {
      for (const code of soundCodes(part)) codes.add(code);
      for (const group of firstNameGroupKeys(part)) codes.add(group);
    }
  }
  return codes;
}

/**
 * The longest sound code a key holds. A sound code grows with its name, and a key is one entry of a GIN index,
 * whose entries PostgreSQL refuses past about 2,700 bytes: an absurdly long name must not make a record unstorable.
 * Names long enough to reach this are far past any real name, and a search cuts its codes the same way.
 */
const maxSoundCodeLength = 40;
/** A key's length at most: the date, `:s` or `:f`, and the code. */
export const maxSearchKeyLength = 'YYYY-MM-DD:s'.length + maxSoundCodeLength;

// Surname and first-name codes are kept apart (`s`/`f`) so that a surname never finds a child by a first name.
function joinKeys(dates: readonly string[], surnames: Set<string>, forenames: Set<string>): string[] {
  const keys = new Set<string>();
  for (const date of dates) {
    for (const code of surnames) keys.add(`${date}:s${code.slice(0, maxSoundCodeLength)}`);
    for (const code of forenames) keys.add(`${date}:f${code.slice(0, maxSoundCodeLength)}`);
  }
  return [...keys];
}

/** The keys written with a record. */
export function recordSearchKeys(names: IndexedNames, dateOfBirth: string | null): string[] {
  if (!dateOfBirth) return [];
  return joinKeys(
    [dateOfBirth],
    surnameCodes([names.surname, names.preferredSurname, names.formerSurname]),
    forenameCodes([names.forename, names.middleNames, names.preferredForename, names.formerForename]),
  );
}

/**
 * How names are compared: folded to plain letters (accents, apostrophes and case dropped), split into parts
 * (hyphenated and double-barrelled surnames, several middle names), coded by sound (Double Metaphone), and, for first
 * names, grouped with their common short forms and non-phonetic spellings. Used at write time to index a record
 * and at search time to score a candidate, so both sides always agree.
 */
import { doubleMetaphone } from 'double-metaphone';

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
export const foldName = memo((name: string): string =>
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
export const compactName = memo((name: string): string => foldName(name).replace(/[\s-]/g, ''));

/** The parts of a folded name: `smith-jones` → `smith`, `jones`. Particles of two letters or fewer are kept. */
export const nameParts = memo((name: string): readonly string[] =>
  foldName(name)
    .split(/[\s-]+/)
    .filter((p) => p !== ''),
);

/** Sound codes of a name (primary and alternative Double Metaphone), empty for a name with no letters. */
export const soundCodes = memo((name: string): readonly string[] => {
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
export function firstNameGroupKeys(name: string): string[] {
  return [...(groupsByName.get(compactName(name)) ?? [])].map((index) => `g${index}`);
}

/** True when two first names are short and long forms (or accepted spellings) of each other. */
export function sameFirstName(a: string, b: string): boolean {
  const groups = groupsByName.get(compactName(a));
  if (!groups) return false;
  const other = groupsByName.get(compactName(b));
  if (!other) return false;
  for (const g of groups) if (other.has(g)) return true;
  return false;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping early beyond `max`:
 * the typing errors people make are a dropped, doubled, swapped or neighbouring letter.
 */
export function typingDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row[j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((rows[i - 1]![j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]![j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]![j - 2] ?? 0) + 1);
      }
      row[j] = d;
      best = Math.min(best, d);
    }
    rows.push(row);
    if (i > 0 && best > max) return max + 1;
  }
  return rows[a.length]![b.length] ?? max + 1;
}

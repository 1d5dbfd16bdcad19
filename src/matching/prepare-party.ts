import { prepareNameForms } from './normalise-name.js'
import type { PartyIdentifier, PartyInput, PreparedParty } from './party-types.js'
import { toLatinWords } from './transliterate.js'

/** Prepares a party once (names, country, address, identifiers), to score it many times. */
export function prepareParty (input: PartyInput): PreparedParty {
  const names = [
    { source: input.name, kind: 'name' as const },
    ...(input.aliases ?? []).map((source) => ({ source, kind: 'alias' as const }))
  ].filter((n) => n.source.trim() !== '')
  return {
    kind: 'prepared-party',
    names: names.map((n) => ({ ...n, forms: prepareNameForms(n.source) })),
    country: normaliseCountry(input.country),
    addressWords: addressWordsOf(input.address),
    identifiers: (input.identifiers ?? []).map(normaliseIdentifier).filter((id) => id.value !== '')
  }
}

/**
 * A prepared party placed in another country and address: what `prepareParty` gives for the
 * same names and identifiers there, without preparing the names again (the costly part). The
 * party matcher scores a distinct name once per country its decisions place it in.
 */
export function placeParty (party: PreparedParty, place: { country?: string | null | undefined, address?: string | null | undefined }): PreparedParty {
  return { ...party, country: normaliseCountry(place.country), addressWords: addressWordsOf(place.address) }
}

function addressWordsOf (address: string | null | undefined): Set<string> {
  return new Set(toLatinWords(address ?? '').map((w) => w.text).filter((w) => w.length > 1))
}

const IDENTIFIER_TYPES: Record<string, string> = {
  passport: 'passport',
  passportno: 'passport',
  passportnumber: 'passport',
  nationalid: 'national-id',
  nationalidno: 'national-id',
  nationalidnumber: 'national-id',
  nationalidentificationnumber: 'national-id',
  idnumber: 'national-id',
  identitycard: 'national-id',
  tax: 'tax',
  taxid: 'tax',
  taxidno: 'tax',
  taxidentificationnumber: 'tax',
  tin: 'tax',
  inn: 'tax',
  vat: 'tax',
  vatnumber: 'tax',
  registration: 'registration',
  registrationnumber: 'registration',
  registrationid: 'registration',
  registrationno: 'registration',
  companynumber: 'registration',
  businessregistrationnumber: 'registration',
  ogrn: 'registration',
  imo: 'imo',
  imonumber: 'imo',
  swift: 'swift',
  swiftbic: 'swift',
  bic: 'swift'
}

function normaliseIdentifier (id: PartyIdentifier): PartyIdentifier {
  const type = id.type.toLowerCase().replace(/[^a-z0-9]/g, '')
  return { type: IDENTIFIER_TYPES[type] ?? type, value: id.value.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '') }
}

let countryCodes: Map<string, string> | undefined

// English names and codes of every ISO 3166 region Node's ICU knows, built on first use,
// plus the long names the UN list uses.
function countryIndex (): Map<string, string> {
  if (countryCodes !== undefined) return countryCodes
  const index = new Map<string, string>()
  const display = new Intl.DisplayNames(['en'], { type: 'region' })
  for (let i = 0; i < 26 * 26; i++) {
    const code = String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26))
    const name = display.of(code)
    if (name === undefined || name === code) continue
    index.set(countryKey(name), code)
    index.set(countryKey(name.replace(/\s*\(.*\)$/, '').replace(/ SAR China$/, '')), code)
  }
  const extra: Record<string, string> = {
    'russian federation': 'RU',
    'iran islamic republic of': 'IR',
    'democratic peoples republic of korea': 'KP',
    'republic of korea': 'KR',
    'syrian arab republic': 'SY',
    'democratic republic of the congo': 'CD',
    'republic of the congo': 'CG',
    'united states of america': 'US',
    usa: 'US',
    uk: 'GB',
    'united kingdom of great britain and northern ireland': 'GB',
    'great britain': 'GB',
    'viet nam': 'VN',
    'lao peoples democratic republic': 'LA',
    burma: 'MM',
    turkiye: 'TR',
    'bolivia plurinational state of': 'BO',
    'venezuela bolivarian republic of': 'VE',
    'united republic of tanzania': 'TZ',
    'republic of moldova': 'MD',
    'state of palestine': 'PS',
    'ivory coast': 'CI'
  }
  for (const [name, code] of Object.entries(extra)) index.set(name, code)
  countryCodes = index
  return index
}

function countryKey (name: string): string {
  return toLatinWords(name).map((w) => w.text).join(' ')
}

function normaliseCountry (country: string | null | undefined): string | null {
  const value = country?.trim() ?? ''
  if (value === '') return null
  if (/^[A-Za-z]{2}$/.test(value)) return TWO_LETTER_ALIASES.get(value.toUpperCase()) ?? value.toUpperCase()
  const key = countryKey(value)
  return countryIndex().get(key) ?? ALPHA3.get(value.toUpperCase()) ?? key
}

// Two-letter codes in use beside ISO 3166 alpha-2: OFAC writes the United Kingdom "UK" (the UN
// list "GB"), the EU writes Greece "EL": the same party on two lists must not differ in country.
const TWO_LETTER_ALIASES = new Map([['UK', 'GB'], ['EL', 'GR']])

// Alpha-3 codes of the countries most often named in export-control lists (alpha-3 then
// alpha-2, five letters each); others compare as given.
const ALPHA3 = new Map(('RUSRU CHNCN IRNIR PRKKP KORKR SYRSY IRQIQ PAKPK INDIN AREAE TURTR BLRBY UKRUA HKGHK MACMO TWNTW SGPSG MYSMY ' +
  'USAUS GBRGB FRAFR DEUDE ITAIT ESPES NLDNL BELBE CHECH AUTAT SWESE FINFI POLPL CZECZ JPNJP CANCA AUSAU ISRIL ' +
  'LBNLB AFGAF YEMYE SDNSD LBYLY CUBCU VENVE MMRMM KAZKZ UZBUZ ARMAM AZEAZ GEOGE KGZKG TJKTJ TKMTM SAUSA QATQA ' +
  'OMNOM KWTKW BHRBH JORJO EGYEG THATH VNMVN IDNID PHLPH BRABR MEXMX').split(' ').map((c) => [c.slice(0, 3), c.slice(3)]))

import t from 'tap'
import { DEFAULT_PARTY_THRESHOLD, consonantKey, prepareName, scoreParty } from '../../src/matching/index.js'
import { abjadSkeleton, skeletonDistance, skeletonSimilarity } from '../../src/matching/skeleton.js'

// Names copied from /work/shared/data/un-consolidated-2026/un_names.csv (the tests never read
// it): each line is a dataid, its original-script name and its primary name.
const originalScript: Array<[string, string, string, string]> = [
  // ث, ذ and ظ: th, s, t, dh, z
  ['UN 111923', 'أيمن محمد ربيع الظواهري', 'AIMAN MUHAMMED RABI AL-ZAWAHIRI', 'ظ as z'],
  ['UN 6908096', 'رشيد طعان كاظم', 'Rashid Taan Kathim', 'ظ as th'],
  ['UN 110945', 'عبد الحق وثيق', 'ABDUL-HAQ WASSIQ', 'ث as s'],
  ['UN 111210', 'نور محمد ثاقب', 'NOOR MOHAMMAD SAQIB', 'ث as s'],
  // ض: d or z
  ['UN 110899', 'فضل محمد مظلوم', 'FAZL MOHAMMAD MAZLOOM', 'ض and ظ as z'],
  ['UN 2981707', 'احمد ضیا آغا', 'AHMAD ZIA AGHA', 'ض as z'],
  // ق as g (Maghreb), ta marbuta, the article before a sun letter, a final ه for the ta marbuta
  ['UN 111735', 'محمد بن بلقاسم بن عبد الله العوادي', 'MOHAMED BEN BELGACEM BEN ABDALLAH AL-AOUADI', 'ق as g'],
  ['UN 113966', 'القاعده في العراق', 'AL-QAIDA IN IRAQ', 'final ه, في a stop word'],
  // "عبد" written apart, its article on the next word; Latin "Abdul" one word
  ['UN 113328', 'عبد الرحمن ياسين', 'ABDUL RAHMAN YASIN', 'Abdul alone is abd + article'],
  ['UN 111514', 'عبد المنان آغا', 'ABDUL MANAN AGHA', 'Abdul alone is abd + article'],
  // ط and t, an h between vowels (no "th" digraph read into طاهر)
  ['UN 6908063', 'طاهر جليل حبوش التكريتي', 'TAHIR JALIL HABBUSH AL-TIKRITI', 'ط, h'],
  // Latin titles and stop words never apply to Arabic-script words; Arabic ones do
  ['UN 112283', 'عمر محمود عثمان', 'OMAR MAHMOUD UTHMAN', 'عمر is Omar, not Mister'],
  ['UN 2983746', 'مصطفى حجي محمد خان', 'MUSTAFA HAJJI MUHAMMAD KHAN', 'حجي a title'],
  ['UN 3035783', 'قاري سیف الله توخى', 'QARI SAIFULLAH TOKHI', 'قاري a title, سیف الله joined'],
  // words written together on one side: the doubled letter at the seam keeps the runs apart
  ['UN 111639', 'ابراهيم علي أبو بكر تنتوش', 'IBRAHIM ALI ABU BAKR TANTOUSH', 'ابو is Abu, not part of Bakr'],
  ['UN 2999481', 'ایوب بشیر', 'AYYUB BASHIR', 'ایوب is Ayyub'],
  ['UN 110948', 'نور الله نوری', 'NURULLAH NURI', 'نور الله is Nurullah, نوری is Nuri'],
  // Arabic-script legal forms by their written form, and only those
  ['UN 3000510', 'راحت لمتد', 'RAHAT LTD.', 'لمتد is Ltd'],
  ['UN 111113', 'محمد اعظم علمی', 'MOHAMMAD AZAM ELMI', 'اعظم is Azam, not ذ.م.م']
]

t.test('original-script names match their Latin primary names', async (t) => {
  for (const [source, arabic, latin, what] of originalScript) {
    const match = scoreParty({ name: arabic }, { name: latin })
    t.ok(match.score >= DEFAULT_PARTY_THRESHOLD, `${source} (${what}): "${arabic}" ~ "${latin}" scored ${match.score}: ${match.explanation}`)
    t.equal(scoreParty({ name: latin }, { name: arabic }).score, match.score, `${source}: and the same the other way round`)
  }
})

t.test('abjadSkeleton writes one symbol per consonant letter', async (t) => {
  const cases: Array<[string, string]> = [
    ['صدام', 'sdm'], // UN 6908048
    ['ثاقب', 'Tqb'], // UN 111210: ث is T (th, s or t)
    ['ظواهري', 'Dhr'], // UN 111923: ظ is D (dh, z, th or d); و and ي write vowels
    ['فضل', 'fVl'], // UN 110899: ض is V (d, z or dh)
    ['خان', 'Xn'], // UN 2983746: خ is X (kh, h or k)
    ['نصرة', 'nsrH'], // UN (JNIM): ta marbuta
    ['عبدالرحمن', 'bdrhmn'] // "عبد" and the article written together, as "Abdurrahman"
  ]
  for (const [arabic, skeleton] of cases) t.equal(abjadSkeleton(arabic), skeleton, arabic)
})

t.test('consonantKey gives a Latin spelling the same symbols', async (t) => {
  const cases: Array<[string, string]> = [
    ['saddam', 'sddm'], ['thaqib', 'Tqb'], ['zawahiri', 'zhr'], ['fazl', 'fzl'], ['khan', 'Xn'],
    ['abdul', 'bd'], ['abdel', 'bd'], ['abdurrahman', 'bdrrhmn'], ['javad', 'jd']
  ]
  for (const [latin, skeleton] of cases) t.equal(consonantKey(latin), skeleton, latin)
})

t.test('skeletonDistance charges little for the usual romanisations', async (t) => {
  const cheap: Array<[string, string, string]> = [
    ['Tqb', 'sqb', 'ث as s'], ['Dhr', 'zhr', 'ظ as z'], ['kDm', 'kTm', 'ظ as th (Kathim)'], ['fVl', 'fzl', 'ض as z'],
    ['blqsm', 'blgsm', 'ق as g (Belgacem)'], ['nsrH', 'nsrt', 'ta marbuta as t (Nusrat)'], ['sdm', 'sddm', 'a doubled letter']
  ]
  for (const [arabic, latin, what] of cheap) t.ok(skeletonDistance(arabic, latin) <= 0.2 + 1e-6, `${what}: ${skeletonDistance(arabic, latin)}`)
  t.equal(skeletonDistance('hsn', 'lhsn', true), 0.2, 'an article written onto the Latin word ("Alhasan")')
  t.ok(skeletonSimilarity('mhmd', 'hmd') < 0.7, 'a consonant missing is a different word')
  t.ok(skeletonSimilarity('sdm', 'sdm') === 0.92 && skeletonSimilarity('sdm', 'smd') < 0.6)
})

t.test('Arabic-script roles come from the Arabic words', async (t) => {
  const roles = (name: string): string[] => prepareName(name).words.map((w) => w.role)
  t.strictSame(roles('عمر محمود عثمان'), ['core', 'core', 'core'], 'UN 112283: عمر is a name') // "mr" is a Latin title
  t.strictSame(roles('مصطفى حجي محمد خان'), ['core', 'stop', 'core', 'core'], 'UN 2983746: حجي is a title')
  t.strictSame(roles('محمد بن بلقاسم'), ['core', 'connector', 'core'], 'UN 111735: بن is a connector')
  t.strictSame(prepareName('راحت لمتد').legalForms.map((f) => f.family), ['company'], 'UN 3000510: لمتد is Ltd')
  t.strictSame(prepareName('محمد اعظم علمی').legalForms, [], 'UN 111113: اعظم is not ذ.م.م')
  t.strictSame(prepareName('والجهاد').words.map((w) => w.consonants), ['jhd'], '"and the" written onto a word is dropped')
})

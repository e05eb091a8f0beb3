/**
 * Flattens text to 7-bit ASCII the way iconv's `ASCII//TRANSLIT` does in an English locale
 * (Meta's advice for OMSs that cannot store Unicode): accents dropped (é -> e, ö -> o), letters
 * without a decomposition spelled out (ß -> ss, Ø -> O, Ł -> L), and anything left that has no
 * ASCII form (CJK, emoji) replaced by '?'. Only used when the merchant opts in: by default the
 * reference OMS keeps names exactly as the buyer wrote them.
 */

// Letters and signs that NFKD leaves alone (they are not "letter + accent" or a compatibility form).
const SPELLED_OUT: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'TH',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŧ: 't',
  Ŧ: 'T',
  ŀ: 'l',
  Ŀ: 'L',
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '«': '<<',
  '»': '>>',
  '‹': '<',
  '›': '>',
  '×': 'x',
  '÷': '/',
  '¡': '!',
  '¿': '?',
  '\u2044': '/',
  '€': 'EUR',
  '£': 'GBP',
  '©': '(C)',
  '®': '(R)',
  '°': 'o',
  '·': '.',
};

const COMBINING_MARKS = /\p{Mn}/gu;
const NON_ASCII = /[\u0080-\u{10FFFF}]/gu;

export function transliterateToAscii(text: string): string {
  // Decompose first: compatibility forms can produce table characters (½ -> 1⁄2, a fraction slash).
  const decomposed = text.normalize('NFKD').replace(COMBINING_MARKS, '');
  let spelled = '';
  for (const char of decomposed) spelled += SPELLED_OUT[char] ?? char;
  return spelled.replace(NON_ASCII, '?');
}

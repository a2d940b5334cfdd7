// What a staff search matches: the words of a person's names and assignment
// number, folded so that a search typed without Welsh diacritics finds names
// written with them ("Sian" finds "Siân", "Llyr" finds "Llŷr"), and the other
// way round. The database indexes the folded text (src/db/migrations/0010) and
// a search matches when every word typed starts a word of it. Pure: no I/O.

/** Letters without their accents, lower case, every run of other characters a single space. */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The text the search index holds for one person: first name, last name and assignment number, folded. */
export function staffSearchText(person: { readonly firstName: string; readonly lastName: string; readonly assignmentNumber: string }): string {
  return foldForSearch(`${person.firstName} ${person.lastName} ${person.assignmentNumber}`);
}

/** Most words a search may hold; the rest are ignored (a name and a number need far fewer). */
export const MAX_SEARCH_TERMS = 6;

/** The words of a search, folded as the index is; an empty list when it holds no letters or digits. */
export function searchTerms(query: string): string[] {
  const folded = foldForSearch(query);
  return folded === '' ? [] : [...new Set(folded.split(' '))].slice(0, MAX_SEARCH_TERMS);
}

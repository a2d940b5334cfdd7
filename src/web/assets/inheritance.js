// Progressive enhancement for the inheritance-risk tool: without this file the
// tool is a GET form that comes back with the answer. With it, a change to the
// pattern or a parent's status fetches that same answer from /tools/inheritance
// and swaps in the parents' choices (which depend on the pattern) and the
// result, leaving focus where it was; the chances in words are then read out
// from a polite live region that stays in the page.
const tool = document.querySelector('[data-inheritance-tool]');
if (tool !== null) {
  const form = tool.querySelector('form');
  const live = tool.getAttribute('data-live');
  let latest = 0;
  const swap = (doc, selector) => {
    const mine = tool.querySelector(selector);
    const theirs = doc.querySelector(`[data-inheritance-tool] ${selector}`);
    if (mine !== null && theirs !== null) mine.replaceWith(document.importNode(theirs, true));
  };
  const update = async (patternChanged) => {
    const request = ++latest;
    const query = new URLSearchParams(new FormData(form));
    query.delete('shown');
    if (patternChanged) { query.delete('mother'); query.delete('father'); }
    try {
      const response = await fetch(`${live}?${query.toString()}`, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!response.ok || request !== latest) return;
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
      if (patternChanged) {
        swap(doc, '[data-inheritance-parents]');
        const shown = form.querySelector('[data-inheritance-shown]');
        if (shown !== null) shown.value = query.get('pattern') ?? '';
      }
      swap(doc, '[data-inheritance-result]');
      const status = tool.querySelector('[data-inheritance-status]');
      const words = tool.querySelector('[data-inheritance-words]') ?? tool.querySelector('[data-inheritance-result]');
      if (status !== null && words !== null) status.textContent = words.textContent.replace(/\s+/g, ' ').trim();
      // The address keeps the choice, so that reloading or sharing the page shows the same square.
      const url = new URL(window.location.href);
      url.search = query.toString();
      window.history.replaceState(null, '', url);
    } catch {
      // Offline or refused: the form's own button still works.
    }
  };
  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement) void update(target.name === 'pattern');
  });
}

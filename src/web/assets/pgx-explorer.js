// Progressive enhancement for the genotype-to-phenotype explorer
// (partials/pgx-explorer.njk): without this file the form goes to the server
// and the answer comes back; with it, the answer changes as the choices do,
// from the same results the server rendered (the JSON in the page). Text only:
// nothing from the data is parsed as HTML.
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function row(list, key, value) {
  const div = element('div', 'nhsuk-summary-list__row');
  div.append(element('dt', 'nhsuk-summary-list__key', key));
  const dd = element('dd', 'nhsuk-summary-list__value');
  if (value instanceof Node) dd.append(value); else dd.textContent = value;
  div.append(dd);
  list.append(div);
}

for (const root of document.querySelectorAll('[data-pgx-explorer]')) {
  const dataNode = root.querySelector('[data-pgx-data]');
  const form = root.querySelector('form');
  const out = root.querySelector('[data-pgx-result]');
  if (dataNode === null || form === null || out === null) continue;
  const data = JSON.parse(dataNode.textContent);
  const level = Number(root.getAttribute('data-heading')) || 2;
  const gene = form.elements.namedItem('gene');
  const first = form.elements.namedItem('a1');
  const second = form.elements.namedItem('a2');
  const labels = {
    result: root.dataset.result, genotype: root.dataset.genotype, fn: root.dataset.function,
    score: root.dataset.score, phenotype: root.dataset.phenotype, recommendations: root.dataset.recommendations,
  };

  const fillAlleles = () => {
    const alleles = data[gene.value].alleles;
    for (const select of [first, second]) {
      const keep = alleles.some((a) => a.value === select.value) ? select.value : alleles[0].value;
      select.replaceChildren(...alleles.map((a) => new Option(a.text, a.value, false, a.value === keep)));
    }
  };

  const show = () => {
    const geneData = data[gene.value];
    const r = geneData.results[`${first.value}|${second.value}`];
    if (r === undefined) return;
    const heading = element(`h${level}`, 'nhsuk-heading-s', labels.result);
    const list = element('dl', 'nhsuk-summary-list');
    row(list, labels.genotype, r.genotype);
    const fns = document.createDocumentFragment();
    r.functions.forEach((f, i) => { if (i > 0) fns.append(element('br')); fns.append(f); });
    row(list, labels.fn, fns);
    if (r.score !== null) row(list, labels.score, r.score);
    row(list, labels.phenotype, element('strong', '', r.phenotype));
    const sub = element(`h${level + 1}`, 'nhsuk-heading-xs', labels.recommendations);
    const ul = element('ul', 'nhsuk-list nhsuk-list--bullet');
    for (const a of geneData.advice[r.advice]) {
      const li = element('li');
      li.append(element('strong', '', `${a.drug}:`), ` ${a.text}`);
      ul.append(li);
    }
    out.replaceChildren(heading, list, sub, ul);
  };

  gene.addEventListener('change', () => { fillAlleles(); show(); });
  first.addEventListener('change', show);
  second.addEventListener('change', show);
  form.addEventListener('submit', (event) => { event.preventDefault(); show(); out.focus(); });
}

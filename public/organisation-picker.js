// Choosing a school or LA by name: a text field marked data-s2s-organisation-picker="school", "la" or "any"
// becomes GOV.UK's accessible autocomplete, which offers "Name, town (number)" as the user types and, once one is
// chosen, puts its number in the field. The form still submits the number under the field's own name, so the
// server checks it exactly as it checks a number typed by hand, and without this script the field is unchanged.

const MIN_LENGTH = 2;
const WAIT_MS = 150;

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// Suggestions for one field: asks after typing pauses, and drops an answer overtaken by a later question, so that
// a slow reply never replaces the list for what is typed now. Each answer goes through `filter` first.
function suggestionSource(kind, filter) {
  let timer;
  let latest = 0;
  return (query, populateResults) => {
    clearTimeout(timer);
    const asked = ++latest;
    timer = setTimeout(async () => {
      let suggestions = [];
      try {
        const params = new URLSearchParams({ kind, q: query });
        const response = await fetch(`/establishments/suggest?${params}`, {
          headers: { accept: 'application/json' },
          credentials: 'same-origin',
        });
        if (!response.ok) throw new Error(`suggestions answered ${response.status}`);
        ({ suggestions } = await response.json());
      } catch {
        // No suggestions is no worse than the plain field: the number can still be typed.
      }
      if (asked === latest) populateResults(filter(suggestions, query));
    }, WAIT_MS);
  };
}

// The autocomplete sets the input's aria-describedby to its own hint, dropping the field's GOV.UK hint and error
// message; this puts them back whenever it does, so a screen reader still hears "7 digits" and any error.
function keepDescriptions(input, ids) {
  if (!ids) return;
  const wanted = ids.split(/\s+/).filter(Boolean);
  const merge = () => {
    const current = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const missing = wanted.filter((id) => !current.includes(id));
    if (missing.length) input.setAttribute('aria-describedby', [...current, ...missing].join(' '));
  };
  merge();
  new MutationObserver(merge).observe(input, { attributes: true, attributeFilter: ['aria-describedby'] });
}

// Said after the field's own hint, which without this script asks for the number alone.
const byName = {
  school: 'Or start typing the school’s name and choose it from the list.',
  la: 'Or start typing the local authority’s name and choose it from the list.',
  any: 'Or start typing the name of the school or local authority and choose it from the list.',
};

const noneFound = {
  school: 'No school found: you can still type its LAEstab',
  la: 'No local authority found: you can still type its code',
  any: 'No school or local authority found: you can still type the number',
};

function enhance(accessibleAutocomplete, field) {
  const kind = field.dataset.s2sOrganisationPicker;
  const container = document.createElement('div');
  container.className = 's2s-organisation-picker';
  field.after(container);
  const { id, name, value } = field;
  const describedBy = field.getAttribute('aria-describedby');
  const hasError = field.classList.contains('govuk-input--error');
  field.remove();

  // The field shows a number once a school is chosen (or typed in full), so its name is shown under it.
  const chosen = document.createElement('p');
  chosen.className = 'govuk-body-s s2s-organisation-picker__chosen';
  chosen.hidden = true;
  let shown;
  const show = (suggestion) => {
    shown = suggestion;
    chosen.textContent = suggestion ? suggestion.label : '';
    chosen.hidden = !suggestion;
  };
  // A number typed in full needs no list to choose from: the list would only stand in the way of the button
  // below, so its one match is named under the field instead.
  let exact;
  const filter = (suggestions, query) => {
    exact = suggestions.find((suggestion) => suggestion.value === query.replace(/[\s/]/g, ''));
    container.classList.toggle('s2s-organisation-picker--exact', Boolean(exact));
    if (exact) show(exact);
    return exact ? [] : suggestions;
  };

  accessibleAutocomplete({
    element: container,
    id,
    name,
    defaultValue: value,
    minLength: MIN_LENGTH,
    // Over the page, not pushing it down: a list that closes as the user clicks the button below would move the
    // button from under the pointer, and the click would be lost.
    displayMenu: 'overlay',
    source: suggestionSource(kind, filter),
    showNoOptionsFound: true,
    inputClasses: hasError ? 'govuk-input--error' : null,
    templates: {
      // A string is what the field held when the page came (the autocomplete's first option): the number itself.
      inputValue: (suggestion) => (typeof suggestion === 'string' ? suggestion : (suggestion?.value ?? '')),
      suggestion: (suggestion) =>
        typeof suggestion === 'string' ? escapeHtml(suggestion) : escapeHtml(suggestion.label),
    },
    onConfirm: (suggestion) => {
      if (suggestion && typeof suggestion === 'object') show(suggestion);
    },
    tNoResults: () => noneFound[kind] ?? noneFound.any,
    tStatusNoResults: () => (exact ? exact.label : 'No search results'),
    tStatusQueryTooShort: (length) => `Type ${length} or more characters of the name, or the number`,
  });
  container.append(chosen);
  const input = container.querySelector('input');
  input.setAttribute('spellcheck', 'false');
  input.addEventListener('input', () => {
    if (shown && input.value !== shown.value) show(undefined);
  });
  keepDescriptions(input, describedBy);
  const hint = document.getElementById(`${id}-hint`);
  if (hint) hint.append(` ${byName[kind] ?? byName.any}`);
}

export async function initOrganisationPickers(root = document) {
  const fields = [...root.querySelectorAll('input[data-s2s-organisation-picker]')];
  if (fields.length === 0) return;
  // Loaded only on pages that have such a field. The bundle defines window.accessibleAutocomplete.
  await import('/assets/accessible-autocomplete.min.js');
  const { accessibleAutocomplete } = window;
  if (typeof accessibleAutocomplete !== 'function') return;
  for (const field of fields) enhance(accessibleAutocomplete, field);
}

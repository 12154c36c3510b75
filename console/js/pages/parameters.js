// A form's inputs made from a parameter schema (a version's, a listing's or a
// template's `parameters`), and the values they hold, typed as declared.
import { el } from '../format.js';

export function parameterInputs(parameters) {
  return parameters.map((p) => {
    let input;
    if (p.choices) input = el('select', { name: p.name }, p.choices.map((c) => el('option', { value: JSON.stringify(c), selected: c === p.default }, String(c))));
    else if (p.type === 'boolean') input = el('input', { type: 'checkbox', name: p.name, checked: p.default === true });
    else input = el('input', { name: p.name, type: p.type === 'string' ? 'text' : 'number', value: p.default,
                               min: p.minimum, max: p.maximum, step: p.type === 'integer' ? 1 : 'any' });
    input.dataset.type = p.type;
    return el('label', { title: p.description || '' }, `${p.name}${p.description ? ` — ${p.description}` : ''}`, input);
  });
}

export function parameterValues(form) {
  const values = {};
  for (const input of form.querySelectorAll('[data-type]')) {
    const type = input.dataset.type;
    if (input.tagName === 'SELECT') values[input.name] = JSON.parse(input.value);
    else if (type === 'boolean') values[input.name] = input.checked;
    else if (type === 'string') values[input.name] = input.value;
    else values[input.name] = Number(input.value);
  }
  return values;
}

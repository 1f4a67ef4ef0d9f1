// confirmDialog asks a yes/no question in a modal <dialog> (keyboard:
// Tab between the buttons, Escape cancels). Resolves to true for OK.
import { h } from './dom.js';

export function confirmDialog(text, ok = 'Delete') {
  const msg = h('p', { id: 'confirm-text', text });
  const yes = h('button', { type: 'button', id: 'confirm-ok', class: 'danger', text: ok });
  const no = h('button', { type: 'button', id: 'confirm-cancel', text: 'Cancel' });
  const dlg = h('dialog', { id: 'confirm', 'aria-labelledby': 'confirm-text' }, msg, h('div', { class: 'buttons' }, no, yes));
  document.body.append(dlg);
  return new Promise((resolve) => {
    const done = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    dlg.showModal();
    no.focus();
  });
}

// The key/value browser: folders by "/", a key's value as text and as
// pretty JSON, create, edit with check-and-set, delete with confirmation.
import { Watch, request, describe } from './api.js';
import { h, num, copyButton, pathSegments, clock } from './dom.js';
import { confirmDialog } from './dialog.js';
import { link, navigate } from './nav.js';

export const kv = {
  title: 'Key/Value',
  mount(main, nav) {
    const path = nav.params[0] || '';
    nav.setCrumbs(crumbs(path));
    nav.setTitle(path || 'Key/Value');
    return path === '' || path.endsWith('/') ? folder(main, nav, path) : key(main, nav, path);
  },
};

// crumbs are Key/Value, then one link per folder of path.
function crumbs(path) {
  const out = [['Key/Value', link('kv/')]];
  const parts = path.split('/');
  let at = '';
  parts.forEach((p, i) => {
    if (p === '' && i === parts.length - 1) return;
    at += p + (i < parts.length - 1 ? '/' : '');
    out.push([p + (i < parts.length - 1 ? '/' : ''), i < parts.length - 1 ? link(`kv/${pathSegments(at)}`) : null]);
  });
  return out;
}

function parentOf(path) {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf('/');
  return i < 0 ? '' : trimmed.slice(0, i + 1);
}

// decode turns an entry's base64 Value into text, or says it is binary.
export function decode(b64) {
  if (!b64) return { text: '', size: 0, binary: false };
  const raw = atob(b64);
  const bytes = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), size: bytes.length, binary: false };
  } catch {
    return { text: b64, size: bytes.length, binary: true };
  }
}

// asJSON is the pretty-printed value if it is a JSON object or array.
export function asJSON(text) {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return null;
  }
}

function folder(main, nav, prefix) {
  const filter = h('input', { type: 'search', id: 'search', class: 'search', placeholder: 'Filter this folder  ( / )', 'aria-label': 'Filter keys in this folder', autocomplete: 'off' });
  const list = h('ul', { class: 'kv-list', id: 'kv-list' });
  const summary = h('p', { class: 'summary', 'aria-live': 'polite', text: 'Loading…' });
  const form = createForm(prefix);
  const createBtn = h('button', { type: 'button', id: 'kv-create', class: 'primary', text: 'Create', onclick: () => { form.hidden = false; form.querySelector('input').focus(); } });
  const delBtn = prefix ? h('button', { type: 'button', id: 'kv-delete-folder', class: 'danger', text: 'Delete folder' }) : null;
  main.append(h('section', { class: 'view kv folder', id: 'kv-view' },
    h('div', { class: 'head' }, h('h1', { text: prefix ? prefix : 'Key/Value' }), summary),
    h('div', { class: 'toolbar' }, filter, createBtn, delBtn), form, list));

  let children = [];
  const render = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = children.filter((c) => !q || c.toLowerCase().includes(q));
    list.replaceChildren(...shown.map((c) => {
      const dir = c.endsWith('/');
      return h('li', { class: dir ? 'folder' : 'key', dataset: { key: prefix + c } },
        h('a', { href: link(`kv/${pathSegments(prefix + c)}`), dataset: { row: '' } },
          h('span', { class: 'icon', 'aria-hidden': 'true', text: dir ? '▸' : '·' }), c));
    }));
    const folders = children.filter((c) => c.endsWith('/')).length;
    summary.textContent = children.length
      ? `${num(folders)} folders, ${num(children.length - folders)} keys${q ? ` (${num(shown.length)} shown)` : ''}`
      : prefix ? 'This folder is empty (or was deleted).' : 'No keys yet. Create one.';
  };
  filter.addEventListener('input', render);
  delBtn?.addEventListener('click', async () => {
    if (!(await confirmDialog(`Delete the folder ${prefix} and every key under it?`, 'Delete folder'))) return;
    try {
      await request('DELETE', `kv/${pathSegments(prefix)}`, { params: { recurse: true } });
      navigate(link(`kv/${pathSegments(parentOf(prefix))}`));
    } catch (e) {
      summary.textContent = describe(e);
    }
  });
  const watch = new Watch(`kv/${pathSegments(prefix)}`, { keys: true, separator: '/' }, (res) => {
    const keys = res.data || [];
    children = keys.filter((k) => k !== prefix && k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    children.sort((a, b) => Number(b.endsWith('/')) - Number(a.endsWith('/')) || a.localeCompare(b));
    render();
    main.querySelector('section')?.setAttribute('data-loaded', 'true');
  }, (e) => { if (!children.length) summary.textContent = describe(e); }).start();
  return { unmount: () => watch.stop() };
}

// createForm makes a key (or a folder, for a name ending in "/") under
// prefix; ?cas=0 makes it fail instead of overwriting an existing key.
function createForm(prefix) {
  const name = h('input', { id: 'kv-new-key', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'name, or a/b/name; end with / for a folder' });
  const value = h('textarea', { id: 'kv-new-value', rows: 6, spellcheck: 'false' });
  const msg = h('p', { class: 'form-msg', id: 'kv-create-msg', role: 'status' });
  const form = h('form', { class: 'panel create', id: 'kv-create-form', hidden: true },
    h('h2', { text: 'Create' }),
    h('label', {}, h('span', {}, 'Key ', h('span', { class: 'mono muted', text: prefix })), name),
    h('label', {}, h('span', { text: 'Value' }), value),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', id: 'kv-create-save', class: 'primary', text: 'Save' }),
      h('button', { type: 'button', text: 'Cancel', onclick: () => { form.hidden = true; } })), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const full = prefix + name.value.trim();
    if (!name.value.trim()) return;
    const isDir = full.endsWith('/');
    try {
      const res = await request('PUT', `kv/${pathSegments(full)}`, { params: { cas: 0 }, body: isDir ? '' : value.value });
      if (res.data !== true) {
        msg.className = 'form-msg error';
        msg.textContent = `${full} already exists; nothing was changed.`;
        return;
      }
      navigate(link(`kv/${pathSegments(full)}`));
    } catch (e) {
      msg.className = 'form-msg error';
      msg.textContent = describe(e);
    }
  });
  return form;
}

function key(main, nav, path) {
  let entry; // undefined: loading; null: missing
  let editing = null; // {cas, flags} while the editor is open
  let view = 'text';

  const meta = h('dl', { class: 'props kv-meta', id: 'kv-meta' });
  const notice = h('div', { class: 'notice', id: 'kv-notice', role: 'status', hidden: true });
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Value format' });
  const valueBox = h('pre', { class: 'value', id: 'kv-value', tabindex: '0' });
  const editBtn = h('button', { type: 'button', id: 'kv-edit', class: 'primary', text: 'Edit' });
  const delBtn = h('button', { type: 'button', id: 'kv-delete', class: 'danger', text: 'Delete' });
  const editor = h('textarea', { id: 'kv-editor', rows: 14, spellcheck: 'false', 'aria-label': 'Value' });
  const jsonHint = h('span', { class: 'hint', id: 'kv-json-hint' });
  const msg = h('div', { class: 'form-msg', id: 'kv-msg', role: 'alert' });
  const editPanel = h('div', { class: 'panel editor', id: 'kv-editor-panel', hidden: true },
    editor,
    h('div', { class: 'buttons' },
      h('button', { type: 'button', id: 'kv-save', class: 'primary', text: 'Save', onclick: () => save() }),
      h('button', { type: 'button', id: 'kv-format', text: 'Format JSON', onclick: () => { const p = asJSON(editor.value); if (p) editor.value = p; hint(); } }),
      h('button', { type: 'button', id: 'kv-cancel', text: 'Cancel', onclick: () => closeEditor() }), jsonHint),
    msg);
  const readPanel = h('div', { class: 'read' }, tabs, valueBox, h('div', { class: 'buttons' }, editBtn, delBtn));
  main.append(h('section', { class: 'view kv key', id: 'kv-view' },
    h('div', { class: 'head' }, h('h1', { class: 'mono', text: path }), copyButton(path, 'key')),
    meta, notice, readPanel, editPanel));

  const hint = () => {
    const t = editor.value.trim();
    jsonHint.textContent = t.startsWith('{') || t.startsWith('[') ? (asJSON(t) ? 'valid JSON' : 'not valid JSON — it will be saved as text') : '';
  };
  editor.addEventListener('input', hint);

  const render = () => {
    if (entry === undefined) return;
    if (entry === null) {
      meta.replaceChildren();
      tabs.replaceChildren();
      valueBox.textContent = '';
      valueBox.replaceChildren(h('span', { class: 'muted', text: 'This key does not exist (it may have been deleted). ' }),
        h('a', { href: link(`kv/${pathSegments(parentOf(path))}`), text: 'Back to the folder' }), ' · ',
        h('a', { href: link(`kv/${pathSegments(path)}/`), text: `Open ${path}/ as a folder` }));
      editBtn.hidden = delBtn.hidden = true;
      return;
    }
    editBtn.hidden = delBtn.hidden = false;
    const v = decode(entry.Value);
    const pretty = v.binary ? null : asJSON(v.text);
    meta.replaceChildren(
      h('dt', { text: 'Modify index' }), h('dd', { class: 'mono', id: 'kv-modify-index', text: String(entry.ModifyIndex) }),
      h('dt', { text: 'Create index' }), h('dd', { class: 'mono', text: String(entry.CreateIndex) }),
      h('dt', { text: 'Size' }), h('dd', { text: `${num(v.size)} bytes${v.binary ? ' (binary, shown as base64)' : ''}` }),
      h('dt', { text: 'Flags' }), h('dd', { class: 'mono', text: String(entry.Flags) }),
      h('dt', { text: 'Lock' }), h('dd', {}, entry.Session ? h('span', { class: 'mono', text: `held by session ${entry.Session} (lock index ${entry.LockIndex})` }) : h('span', { class: 'muted', text: `unlocked (lock index ${entry.LockIndex})` })));
    if (pretty === null) view = 'text';
    const tab = (id, label) => h('button', { type: 'button', role: 'tab', id: `kv-tab-${id}`, 'aria-selected': String(view === id),
      class: view === id ? 'on' : null, onclick: () => { view = id; render(); } }, label);
    tabs.replaceChildren(tab('text', 'Text'), pretty !== null ? tab('json', 'JSON') : null);
    valueBox.textContent = view === 'json' && pretty !== null ? pretty : v.text;
    valueBox.classList.toggle('empty-value', v.text === '');
    if (v.text === '') valueBox.textContent = '(empty)';
    editBtn.disabled = v.binary;
    editBtn.title = v.binary ? 'binary values cannot be edited here' : '';
  };

  const openEditor = () => {
    if (!entry) return;
    editing = { cas: entry.ModifyIndex, flags: entry.Flags };
    editor.value = decode(entry.Value).text;
    msg.textContent = '';
    msg.className = 'form-msg';
    notice.hidden = true;
    readPanel.hidden = true;
    editPanel.hidden = false;
    hint();
    editor.focus();
  };
  const closeEditor = () => {
    editing = null;
    editPanel.hidden = true;
    readPanel.hidden = false;
    notice.hidden = true;
    render();
  };

  // save writes with ?cas= the index the editor started from: if anyone
  // wrote the key since, the agent refuses and the page says so.
  const save = async () => {
    if (!editing) return;
    const started = editing.cas;
    try {
      const res = await request('PUT', `kv/${pathSegments(path)}`, { params: { cas: started, flags: editing.flags || undefined }, body: editor.value });
      if (res.data === true) {
        closeEditor();
        notice.hidden = false;
        notice.className = 'notice ok';
        notice.textContent = `Saved at ${clock(new Date())}.`;
        return;
      }
      const now = await request('GET', `kv/${pathSegments(path)}`, { allow404: true });
      const cur = now.data ? now.data[0] : null;
      conflict(started, cur);
    } catch (e) {
      msg.className = 'form-msg error';
      msg.textContent = `Not saved: ${describe(e)}`;
    }
  };

  const conflict = (started, cur) => {
    msg.className = 'form-msg error conflict';
    const what = cur
      ? `Not saved: this key was changed by someone else after you opened the editor (you started from index ${started}; it is now at index ${cur.ModifyIndex}). Your text is still in the editor.`
      : `Not saved: this key was deleted after you opened the editor (you started from index ${started}). Your text is still in the editor.`;
    msg.replaceChildren(h('p', { text: what }),
      cur ? h('details', {}, h('summary', { text: 'Their value' }), h('pre', { class: 'value', text: decode(cur.Value).text })) : null,
      h('div', { class: 'buttons' },
        cur ? h('button', { type: 'button', id: 'kv-load-theirs', text: 'Discard mine, load theirs', onclick: () => {
          editing = { cas: cur.ModifyIndex, flags: cur.Flags };
          editor.value = decode(cur.Value).text;
          msg.replaceChildren();
          msg.className = 'form-msg';
        } }) : null,
        h('button', { type: 'button', id: 'kv-overwrite', class: 'danger', text: 'Overwrite with mine', onclick: () => {
          editing = { cas: cur ? cur.ModifyIndex : 0, flags: cur ? cur.Flags : 0 };
          save();
        } })));
  };

  editBtn.addEventListener('click', openEditor);
  delBtn.addEventListener('click', async () => {
    if (!(await confirmDialog(`Delete the key ${path}?`, 'Delete key'))) return;
    try {
      await request('DELETE', `kv/${pathSegments(path)}`);
      navigate(link(`kv/${pathSegments(parentOf(path))}`));
    } catch (e) {
      notice.hidden = false;
      notice.className = 'notice error';
      notice.textContent = describe(e);
    }
  });

  const watch = new Watch(`kv/${pathSegments(path)}`, {}, (res) => {
    entry = res.data ? res.data[0] : null;
    render(); // the read panel stays hidden while editing
    if (editing) {
      // Keep the editor as it is; say that a save would now conflict.
      const moved = entry ? entry.ModifyIndex !== editing.cas : true;
      notice.hidden = !moved;
      notice.className = 'notice warn';
      notice.textContent = entry
        ? `This key changed since you opened the editor (index ${editing.cas} → ${entry.ModifyIndex}); saving will be refused unless you overwrite.`
        : 'This key was deleted since you opened the editor.';
      return;
    }
    main.querySelector('section')?.setAttribute('data-loaded', 'true');
  }, (e) => { if (entry === undefined) valueBox.textContent = describe(e); }).start();
  return { unmount: () => watch.stop() };
}

import type { CacheConfig } from '../types';
import type { PanelMeter, PanelModel, PanelRow } from './buildPanelModel';
import { h } from './h';
import { panelStyles } from './panelStyles';
import { fromUnitAmount, SIZE_UNITS, TTL_UNITS, toUnitAmount, type QuantityUnit } from './quantityUnits';

export interface CachePanelHandlers {
  pinSelected(): void;
  cleanup(): void;
  clear(): void;
  togglePin(row: PanelRow): void;
  invalidate(row: PanelRow): void;
  select(key: string, selected: boolean): void;
  selectAll(selected: boolean): void;
  configure(patch: CacheConfig): void;
  requestPersistence(): void;
  /** The entry's thumbnail, or null while the cache is still making it. */
  thumbnail(row: PanelRow): Promise<Blob | null>;
}

export interface CachePanelViewOptions {
  title: string;
  headingLevel: 2 | 3 | 4 | 5 | 6;
}

export interface CachePanelView {
  render(model: PanelModel, config: CacheConfig): void;
  /** Shows a message in the panel's live region (an error also in red). */
  announce(message: string, kind?: 'info' | 'error'): void;
  /** Disables the action buttons while an action runs, so it is not started twice. */
  setBusy(busy: boolean): void;
}

interface RowElements {
  tr: HTMLTableRowElement;
  checkbox: HTMLInputElement;
  cells: Record<'name' | 'size' | 'dims' | 'lastAccess' | 'expires' | 'pinned', HTMLTableCellElement>;
  pin: HTMLButtonElement;
  remove: HTMLButtonElement;
  row: PanelRow;
  thumbnail: HTMLImageElement;
  /** A thumbnail request is under way (one at a time per row). */
  thumbnailLoading: boolean;
}

/**
 * The panel's DOM: built once into `root`, then patched in place by
 * render() so keyboard focus survives the frequent live updates (a row's
 * buttons are reused, not recreated, for as long as its entry exists).
 */
export function createCachePanelView(root: ShadowRoot, options: CachePanelViewOptions, handlers: CachePanelHandlers): CachePanelView {
  const ids = { title: 'vcp-title' };
  const title = h(`h${options.headingLevel}` as 'h2', { class: 'title', id: ids.title }, options.title);
  const warning = h('p', { class: 'warning', role: 'alert', hidden: true });

  const summaryValue = (name: string) => h('dd', { 'data-field': name });
  const hitRate = summaryValue('hit-rate');
  const entryCount = summaryValue('entries');
  const budget = meter('Cache size against max size');
  const quota = meter('Site storage against browser quota');
  const persistedText = h('span', { 'data-field': 'persisted' });
  const persistButton = h('button', { type: 'button', class: 'small', hidden: true }, 'Ask the browser to keep it');
  const summary = h(
    'dl',
    { class: 'summary' },
    h('div', {}, h('dt', {}, 'Hit rate'), hitRate),
    h('div', {}, h('dt', {}, 'Entries'), entryCount),
    h('div', {}, h('dt', {}, 'Used'), budget.dd),
    h('div', {}, h('dt', {}, 'Browser storage'), quota.dd),
    h('div', {}, h('dt', {}, 'Persisted'), h('dd', {}, persistedText, ' ', persistButton)),
  );

  const downloads = h('ul', { class: 'downloads', 'aria-label': 'Downloads in progress', hidden: true });

  const pinSelected = h('button', { type: 'button', class: 'primary', disabled: true }, 'Make available offline');
  const cleanup = h('button', { type: 'button' }, 'Clean up expired');
  const clear = h('button', { type: 'button', class: 'danger', 'aria-haspopup': 'true' }, 'Clear all…');
  const confirmText = h('span', { id: 'vcp-confirm-text' });
  const confirmClear = h('button', { type: 'button', class: 'danger primary', 'aria-describedby': 'vcp-confirm-text' }, 'Remove everything');
  const cancelClear = h('button', { type: 'button' }, 'Cancel');
  const confirm = h('span', { class: 'confirm', role: 'group', 'aria-label': 'Confirm clear all', hidden: true }, confirmText, confirmClear, cancelClear);
  const toolbar = h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Cache actions' }, pinSelected, cleanup, clear, confirm);

  const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select all entries' });
  const tbody = h('tbody');
  const emptyRow = h('tr', { class: 'empty' }, h('td', { colspan: 8 }, 'Nothing cached yet.'));
  const table = h(
    'table',
    {},
    h('caption', {}, 'Cached volumes'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, selectAll),
        h('th', { scope: 'col' }, 'Name'),
        h('th', { scope: 'col', class: 'num' }, 'Size'),
        h('th', { scope: 'col' }, 'NIfTI'),
        h('th', { scope: 'col' }, 'Last access'),
        h('th', { scope: 'col' }, 'Expires'),
        h('th', { scope: 'col' }, 'Pinned'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    tbody,
  );

  const maxSize = quantityField('vcp-max-size', 'Max size', SIZE_UNITS);
  const ttl = quantityField('vcp-ttl', 'Default time to live', TTL_UNITS);
  const apply = h('button', { type: 'submit', class: 'primary' }, 'Apply');
  const form = h(
    'form',
    { class: 'config', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Settings'),
      h('div', { class: 'fields' }, maxSize.field, ttl.field, apply),
      h('p', { class: 'hint' }, 'A smaller max size evicts the least recently used unpinned volumes at once. The time to live applies to volumes cached from now on.'),
    ),
  );
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });

  root.replaceChildren(
    h('style', {}, panelStyles),
    h('section', { class: 'panel', 'aria-labelledby': ids.title }, title, warning, summary, downloads, toolbar, h('div', { class: 'table-wrap' }, table), form, status),
  );

  const rows = new Map<string, RowElements>();
  let formDirty = false;
  let currentModel: PanelModel | null = null;

  pinSelected.addEventListener('click', () => handlers.pinSelected());
  cleanup.addEventListener('click', () => handlers.cleanup());
  persistButton.addEventListener('click', () => handlers.requestPersistence());
  clear.addEventListener('click', () => {
    const count = currentModel?.rows.length ?? 0;
    confirmText.textContent = `Remove all ${count} ${count === 1 ? 'volume' : 'volumes'}, pinned ones too?`;
    confirm.hidden = false;
    clear.hidden = true;
    cancelClear.focus();
  });
  const closeConfirm = (): void => {
    confirm.hidden = true;
    clear.hidden = false;
    clear.focus();
  };
  cancelClear.addEventListener('click', closeConfirm);
  confirm.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeConfirm();
  });
  confirmClear.addEventListener('click', () => {
    closeConfirm();
    handlers.clear();
  });
  selectAll.addEventListener('change', () => handlers.selectAll(selectAll.checked));
  form.addEventListener('input', () => {
    formDirty = true;
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const size = maxSize.read();
    const time = ttl.read();
    maxSize.input.setCustomValidity(size.ok ? '' : size.message);
    ttl.input.setCustomValidity(time.ok ? '' : time.message);
    if (!size.ok || !time.ok) {
      const bad = !size.ok ? maxSize.input : ttl.input;
      bad.reportValidity();
      bad.focus();
      return;
    }
    formDirty = false;
    handlers.configure({ maxBytes: size.value, defaultTtlSeconds: time.value });
  });

  function rowFor(row: PanelRow): RowElements {
    const known = rows.get(row.key);
    if (known) return known;
    const checkbox = h('input', { type: 'checkbox' });
    const pin = h('button', { type: 'button', class: 'small' });
    const remove = h('button', { type: 'button', class: 'small danger' }, 'Remove');
    // Decorative: the name beside it says what it is.
    const thumbnail = h('img', { class: 'thumbnail', alt: '', width: 32, height: 32, hidden: true });
    const cells = {
      name: h('td', { class: 'name' }),
      size: h('td', { class: 'num' }),
      dims: h('td'),
      lastAccess: h('td'),
      expires: h('td', { class: 'expires' }),
      pinned: h('td'),
    };
    const tr = h('tr', { 'data-key': row.key }, h('td', {}, checkbox), cells.name, cells.size, cells.dims, cells.lastAccess, cells.expires, cells.pinned, h('td', { class: 'actions' }, pin, remove));
    const elements: RowElements = { tr, checkbox, cells, pin, remove, row, thumbnail, thumbnailLoading: false };
    checkbox.addEventListener('change', () => handlers.select(elements.row.key, checkbox.checked));
    pin.addEventListener('click', () => handlers.togglePin(elements.row));
    remove.addEventListener('click', () => handlers.invalidate(elements.row));
    rows.set(row.key, elements);
    return elements;
  }

  function patchRow(elements: RowElements, row: PanelRow): void {
    elements.row = row;
    setText(elements.cells.name, row.name);
    elements.cells.name.prepend(elements.thumbnail);
    elements.cells.name.title = row.url;
    if (!elements.thumbnail.src && !elements.thumbnailLoading) {
      elements.thumbnailLoading = true;
      handlers
        .thumbnail(row)
        .then((blob) => {
          if (blob && rows.get(row.key) === elements) {
            elements.thumbnail.src = URL.createObjectURL(blob);
            elements.thumbnail.hidden = false;
          }
        })
        .catch(() => undefined)
        .finally(() => {
          elements.thumbnailLoading = false;
        });
    }
    setText(elements.cells.size, row.size);
    setText(elements.cells.dims, row.dims);
    setText(elements.cells.lastAccess, row.lastAccess);
    setText(elements.cells.expires, row.pinned && row.expired ? 'expired (kept: pinned)' : row.expires);
    setText(elements.cells.pinned, row.pinned ? 'yes' : 'no');
    elements.tr.classList.toggle('expired', row.expired);
    elements.checkbox.checked = row.selected;
    elements.checkbox.setAttribute('aria-label', `Select ${row.name}`);
    setText(elements.pin, row.pinned ? 'Unpin' : 'Pin');
    elements.pin.setAttribute('aria-label', `${row.pinned ? 'Unpin' : 'Pin'} ${row.name}`);
    elements.remove.setAttribute('aria-label', `Remove ${row.name} from the cache`);
  }

  function renderRows(model: PanelModel): void {
    const live = new Set(model.rows.map((row) => row.key));
    for (const [key, elements] of rows) {
      if (!live.has(key)) {
        elements.tr.remove();
        if (elements.thumbnail.src) URL.revokeObjectURL(elements.thumbnail.src);
        rows.delete(key);
      }
    }
    if (model.rows.length === 0) {
      if (emptyRow.parentNode !== tbody) tbody.replaceChildren(emptyRow);
      return;
    }
    emptyRow.remove();
    // Move only rows that are out of place: moving a node drops its focus.
    let previous: Element | null = null;
    for (const row of model.rows) {
      const elements = rowFor(row);
      patchRow(elements, row);
      const expectedNext: Element | null = previous ? previous.nextElementSibling : tbody.firstElementChild;
      if (expectedNext !== elements.tr) {
        if (previous) previous.after(elements.tr);
        else tbody.prepend(elements.tr);
      }
      previous = elements.tr;
    }
  }

  function renderDownloads(model: PanelModel): void {
    downloads.hidden = model.downloads.length === 0;
    downloads.replaceChildren(
      ...model.downloads.map((download) => {
        const bar = h('progress', { max: 1, 'aria-label': `Downloading ${download.name}` });
        if (download.figures.fraction !== null) bar.value = download.figures.fraction;
        return h('li', {}, h('span', { title: download.url }, download.name), bar, h('span', {}, download.text));
      }),
    );
  }

  return {
    render(model, config) {
      currentModel = model;
      warning.hidden = model.warning === null;
      setText(warning, model.warning ?? '');
      setText(hitRate, model.hitRate);
      setText(entryCount, model.entryCount);
      budget.update(model.budget);
      quota.update(model.quota);
      setText(persistedText, model.persisted);
      persistButton.hidden = !model.persisted.startsWith('no');
      renderDownloads(model);
      renderRows(model);
      const selectable = model.rows.length;
      selectAll.checked = selectable > 0 && model.selectedCount === selectable;
      selectAll.indeterminate = model.selectedCount > 0 && model.selectedCount < selectable;
      selectAll.disabled = selectable === 0;
      pinSelected.disabled = model.selectedCount === 0;
      setText(pinSelected, model.selectedCount > 0 ? `Make available offline (${model.selectedCount})` : 'Make available offline');
      const editing = form.contains(root.activeElement);
      if (!formDirty && !editing) {
        maxSize.write(config.maxBytes);
        ttl.write(config.defaultTtlSeconds);
      }
    },
    announce(message, kind = 'info') {
      status.classList.toggle('error', kind === 'error');
      status.textContent = message;
    },
    setBusy(busy) {
      for (const button of [cleanup, clear, confirmClear, apply]) button.disabled = busy;
      if (busy) pinSelected.disabled = true;
      else pinSelected.disabled = (currentModel?.selectedCount ?? 0) === 0;
      for (const elements of rows.values()) {
        elements.pin.disabled = busy;
        elements.remove.disabled = busy;
      }
    },
  };
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function meter(label: string): { dd: HTMLElement; update(value: PanelMeter): void } {
  const fill = h('span');
  const bar = h('span', { class: 'meter', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100 }, fill);
  const text = h('span');
  return {
    dd: h('dd', {}, bar, text),
    update(value) {
      bar.hidden = value.fraction === null;
      const percent = Math.round((value.fraction ?? 0) * 100);
      fill.style.width = `${percent}%`;
      bar.setAttribute('aria-valuenow', String(percent));
      bar.setAttribute('aria-valuetext', value.text);
      setText(text, value.text);
    },
  };
}

function quantityField(id: string, label: string, units: readonly QuantityUnit[]) {
  const input = h('input', { id, type: 'number', min: 0, step: 'any', inputmode: 'decimal', required: true });
  const unit = h('select', { 'aria-label': `${label} unit` }, ...units.map((candidate) => h('option', { value: candidate.id }, candidate.label)));
  return {
    input,
    field: h('div', { class: 'field' }, h('label', { for: id }, label), h('span', {}, input, unit)),
    read: () => fromUnitAmount(input.value, unit.value, units),
    write(value: number) {
      const { amount, unit: chosen } = toUnitAmount(value, units);
      input.value = String(amount);
      unit.value = chosen.id;
      input.setCustomValidity('');
    },
  };
}

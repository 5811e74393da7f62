// Small DOM helpers.  Pages build their frame once and on each refresh
// change only what changed (setText, syncRows), so nothing flickers and
// focus, selection and scroll stay where the user left them.

export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on'))
			el.addEventListener(k.slice(2), v);
		else if (k === 'class')
			el.className = v;
		else if (k === 'text')
			el.textContent = v;
		else if (k in el && typeof v !== 'string')
			el[k] = v;
		else
			el.setAttribute(k, v === true ? '' : v);
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === undefined || c === null || c === false)
			continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
}

export function setText(el, text) {
	const s = String(text ?? '');
	if (el.textContent !== s)
		el.textContent = s;
}

// Replace el's children with nodes, only when sig differs from the last.
export function setContent(el, sig, ...nodes) {
	if (el.dataset.sig === sig)
		return;
	el.dataset.sig = sig;
	el.replaceChildren();
	append(el, nodes);
}

// Keyed rows: items in order, key(item) unique, render(item) -> <tr>.
// A row is rebuilt only when its data (JSON) changed; rows are moved, not
// recreated, when only the order changed.
export function syncRows(tbody, items, key, render, emptyText, columns) {
	const old = new Map();
	for (const tr of Array.from(tbody.children))
		if (tr.dataset.key !== undefined)
			old.set(tr.dataset.key, tr);
		else
			tr.remove();
	let prev = null;
	for (const item of items) {
		const k = String(key(item));
		const sig = JSON.stringify(item);
		let tr = old.get(k);
		if (tr && tr.dataset.sig !== sig) {
			const fresh = render(item);
			tr.replaceWith(fresh);
			tr = fresh;
		} else if (!tr)
			tr = render(item);
		old.delete(k);
		tr.dataset.key = k;
		tr.dataset.sig = sig;
		const want = prev ? prev.nextSibling : tbody.firstChild;
		if (want !== tr)
			tbody.insertBefore(tr, want);
		prev = tr;
	}
	for (const tr of old.values())
		tr.remove();
	if (items.length === 0 && emptyText)
		tbody.append(h('tr', { class: 'empty' },
		    h('td', { colSpan: columns || 1, text: emptyText })));
}

export function table(caption, headers, cls) {
	const tbody = h('tbody');
	const el = h('table', { class: cls || '' },
	    caption ? h('caption', { class: 'sr-only', text: caption }) : null,
	    h('thead', {}, h('tr', {}, headers.map((t) => h('th', {
		scope: 'col', text: t })))),
	    tbody);
	return { el, tbody, columns: headers.length };
}

export function section(title, ...children) {
	const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
	return h('section', { class: 'card', 'aria-labelledby': id },
	    h('h2', { id, text: title }), ...children);
}

export function link(href, text, attrs) {
	return h('a', { href, ...(attrs || {}) }, text);
}

export function badge(state) {
	const s = String(state || 'UNKNOWN');
	return h('span', { class: `badge b-${s.toLowerCase()}`, text: s });
}

export function fmtTime(ms) {
	if (!ms)
		return '—';
	const d = new Date(ms);
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
	    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function fmtAge(ms) {
	if (!ms)
		return '—';
	let s = Math.max(0, Math.round((Date.now() - ms) / 1000));
	if (s < 60)
		return `${s}s`;
	if (s < 3600)
		return `${Math.floor(s / 60)}m ${s % 60}s`;
	s = Math.floor(s / 60);
	if (s < 1440)
		return `${Math.floor(s / 60)}h ${s % 60}m`;
	return `${Math.floor(s / 1440)}d ${Math.floor((s % 1440) / 60)}h`;
}

export function fmtBytes(n) {
	if (n === undefined || n === null)
		return '—';
	const units = ['B', 'KiB', 'MiB', 'GiB'];
	let i = 0;
	while (n >= 1024 && i < units.length - 1) {
		n /= 1024;
		i++;
	}
	return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

export function toast(text, bad) {
	const el = h('div', { class: `toast${bad ? ' bad' : ''}`,
	    role: bad ? 'alert' : 'status', text });
	document.getElementById('toasts').append(el);
	setTimeout(() => el.remove(), bad ? 8000 : 4000);
}

// A modal yes/no; resolves true on confirm.  Esc cancels.
export function confirmDialog(title, text, okLabel) {
	const dialog = document.getElementById('confirm-dialog');
	document.getElementById('confirm-title').textContent = title;
	document.getElementById('confirm-text').textContent = text;
	document.getElementById('confirm-ok').textContent = okLabel || 'Confirm';
	dialog.returnValue = 'cancel';
	return new Promise((resolve) => {
		dialog.addEventListener('close', () =>
		    resolve(dialog.returnValue === 'ok'), { once: true });
		dialog.showModal();
		document.getElementById('confirm-ok').focus();
	});
}

// Labelled form field: <label> + control, ids unique per form.
let fieldSeq = 0;
export function field(label, control, hint) {
	const id = control.id || `f${++fieldSeq}`;
	control.id = id;
	return h('div', { class: 'field' },
	    h('label', { for: id, text: label }), control,
	    hint ? h('small', { class: 'muted', text: hint }) : null);
}

// Run an action from a button: disabled while it runs, result toasted.
export async function act(button, label, fn) {
	button.disabled = true;
	try {
		await fn();
		toast(`${label}: done`);
		return true;
	} catch (e) {
		toast(`${label} failed: ${e.message}`, true);
		return false;
	} finally {
		button.disabled = false;
	}
}

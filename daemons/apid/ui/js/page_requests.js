// Requests: every request in a table filtered by state, type and a search
// box.  Only the rows in view are in the DOM (a window over the filtered
// list, kept by scrolling), so ten thousand requests scroll and filter as
// fast as ten.

import { get, post } from './api.js';
import { act, badge, field, fmtTime, h, link, section, setText,
    syncRows } from './dom.js';
import { navigate, replaceQuery, requestHref } from './nav.js';

const STATES = ['ACTIVE', 'PAUSED', 'SYSTEM_COOLDOWN', 'DEPLOYING_TO_UNPAUSE',
    'FINISHED', 'DELETING'];
export const TYPES = ['SERVICE', 'WORKER', 'SCHEDULED', 'ON_DEMAND',
    'RUN_ONCE'];
const LONG_RUNNING = new Set(['SERVICE', 'WORKER']);
const ROW_PX = 36;
const OVERSCAN = 10;

function select(options, value, all) {
	return h('select', {}, h('option', { value: '', text: all }),
	    options.map((o) => h('option', { value: o, text: o,
		selected: o === value })));
}

function lastDeploy(r) {
	const ds = r.requestDeployState || {};
	return Math.max(ds.activeDeploy?.timestamp || 0,
	    ds.pendingDeploy?.timestamp || 0);
}

function row(r) {
	const ds = r.requestDeployState || {};
	const req = r.request;
	const deploy = [ds.activeDeploy?.deployId,
	    ds.pendingDeploy ? `→ ${ds.pendingDeploy.deployId}` : null]
	    .filter(Boolean).join(' ');
	return h('tr', {},
	    h('td', {}, link(requestHref(req.id), req.id)),
	    h('td', { text: req.requestType }),
	    h('td', {}, badge(r.state)),
	    h('td', { class: 'num', text: req.instances ??
		(LONG_RUNNING.has(req.requestType) ? 1 : '—') }),
	    h('td', { class: 'opt', text: deploy || '—' }),
	    h('td', { class: 'opt', text: fmtTime(lastDeploy(r)) }));
}

function newRequestForm() {
	const id = h('input', { name: 'id', required: true,
	    pattern: '[A-Za-z0-9_\\-]+', autocomplete: 'off' });
	const type = select(TYPES, 'SERVICE', 'Type…');
	type.required = true;
	type.value = 'SERVICE';
	const instances = h('input', { name: 'instances', type: 'number',
	    min: '1', value: '1' });
	const schedule = h('input', { name: 'schedule',
	    placeholder: '*/5 * * * *' });
	const submit = h('button', { type: 'submit', class: 'primary',
	    text: 'Create request' });
	const form = h('form', { class: 'inline-form', 'aria-label': 'New request' },
	    field('Request id', id), field('Type', type),
	    field('Instances', instances, 'services and workers'),
	    field('Schedule', schedule, 'cron, scheduled jobs only'),
	    h('div', { class: 'field end' }, submit));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const body = { id: id.value.trim(), requestType: type.value };
		if (type.value === 'SERVICE' || type.value === 'WORKER')
			body.instances = Number(instances.value) || 1;
		if (type.value === 'SCHEDULED')
			body.schedule = schedule.value.trim();
		if (await act(submit, `Create ${body.id}`,
		    () => post('/requests', body)))
			navigate(requestHref(body.id));
	});
	return h('details', { class: 'card' },
	    h('summary', { text: 'New request' }), form);
}

export function mount(root, params, query) {
	let all = [];
	let shown = [];
	let frame = 0;
	const search = h('input', { type: 'search', value: query.get('q') || '',
	    placeholder: 'id contains…', autocomplete: 'off' });
	const state = select(STATES, query.get('state') || '', 'Any state');
	const type = select(TYPES, query.get('type') || '', 'Any type');
	const count = h('span', { class: 'muted', 'aria-live': 'polite' });
	const top = h('tbody', { 'aria-hidden': 'true' },
	    h('tr', {}, h('td', { colSpan: 6 })));
	const rows = h('tbody');
	const bottom = h('tbody', { 'aria-hidden': 'true' },
	    h('tr', {}, h('td', { colSpan: 6 })));
	const scroller = h('div', { class: 'vscroll' },
	    h('table', { class: 'requests' },
		h('caption', { class: 'sr-only', text: 'Requests' }),
		h('thead', {}, h('tr', {},
		    ['Request', 'Type', 'State', 'Instances'].map((t) =>
			h('th', { scope: 'col', text: t })),
		    ['Active deploy', 'Last deploy'].map((t) =>
			h('th', { scope: 'col', class: 'opt', text: t })))),
		top, rows, bottom));
	root.append(h('h1', { text: 'Requests' }), newRequestForm(),
	    h('form', { class: 'filters', role: 'search',
		onsubmit: (ev) => ev.preventDefault() },
		field('Search', search), field('State', state),
		field('Type', type), count),
	    scroller);

	function renderWindow() {
		frame = 0;
		const first = Math.max(0,
		    Math.floor(scroller.scrollTop / ROW_PX) - OVERSCAN);
		const n = Math.ceil(scroller.clientHeight / ROW_PX) +
		    2 * OVERSCAN;
		const last = Math.min(shown.length, first + n);
		top.firstChild.style.height = `${first * ROW_PX}px`;
		bottom.firstChild.style.height =
		    `${(shown.length - last) * ROW_PX}px`;
		syncRows(rows, shown.slice(first, last), (r) => r.request.id,
		    row, all.length ? 'No request matches.' : 'No requests yet.',
		    6);
	}
	function schedule() {
		if (!frame)
			frame = requestAnimationFrame(renderWindow);
	}
	function applyFilters() {
		const q = search.value.trim().toLowerCase();
		const st = state.value;
		const ty = type.value;
		shown = all.filter((r) => (!st || r.state === st) &&
		    (!ty || r.request.requestType === ty) &&
		    (!q || r.request.id.toLowerCase().includes(q)));
		setText(count, `${shown.length} of ${all.length}`);
		replaceQuery({ q: search.value.trim(), state: st, type: ty });
		renderWindow();
	}
	let debounce = 0;
	search.addEventListener('input', () => {
		clearTimeout(debounce);
		debounce = setTimeout(applyFilters, 80);
	});
	state.addEventListener('change', applyFilters);
	type.addEventListener('change', applyFilters);
	scroller.addEventListener('scroll', schedule, { passive: true });
	window.addEventListener('resize', schedule);
	const onKey = (ev) => {
		if (ev.key === '/' && !ev.target.closest('input, textarea, select')) {
			ev.preventDefault();
			search.focus();
		}
	};
	document.addEventListener('keydown', onKey);

	async function refresh() {
		all = await get('/requests');
		applyFilters();
	}
	function unmount() {
		document.removeEventListener('keydown', onKey);
		window.removeEventListener('resize', schedule);
		if (frame)
			cancelAnimationFrame(frame);
	}
	return { refresh, unmount, interval: 5000 };
}

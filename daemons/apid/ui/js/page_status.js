// Status: the /state counts, the pending and cleaning queues, late tasks,
// and launches and failures over the last hour.

import { get, qs } from './api.js';
import { badge, fmtAge, fmtTime, h, link, section, setContent, setText,
    syncRows, table } from './dom.js';
import { requestHref } from './nav.js';

const COUNTS = [
	['activeRequests', 'Active requests'],
	['pausedRequests', 'Paused'],
	['cooldownRequests', 'In cooldown'],
	['activeTasks', 'Active tasks'],
	['scheduledTasks', 'Scheduled tasks'],
	['pendingRequests', 'Pending requests'],
	['cleaningRequests', 'Cleaning requests'],
	['cleaningTasks', 'Cleaning tasks'],
	['lateTasks', 'Late tasks'],
	['numDeploys', 'Deploys in progress'],
	['underProvisionedRequests', 'Under-provisioned'],
	['activeAgents', 'Active agents'],
];
const FAILED = new Set(['TASK_FAILED', 'TASK_LOST', 'TASK_ERROR',
    'TASK_DROPPED', 'TASK_GONE']);
const HOUR = 3600 * 1000;
const BUCKETS = 12;

export function mount(root) {
	const counts = h('dl', { class: 'counts' });
	const cells = {};
	for (const [key, label] of COUNTS) {
		cells[key] = h('dd', { text: '…' });
		counts.append(h('div', {}, h('dt', { text: label }), cells[key]));
	}
	const chart = h('div', { class: 'chart' });
	const pending = table('Pending requests',
	    ['Request', 'Type', 'Since', 'By']);
	const cleanup = table('Request cleanups',
	    ['Request', 'Type', 'Since', 'By']);
	const late = table('Late tasks', ['Pending task', 'Due']);
	root.append(h('h1', { text: 'Status' }),
	    section('Counts', counts),
	    section('Last hour', chart),
	    h('div', { class: 'grid2' },
		section('Pending queue', pending.el),
		section('Cleaning queue', cleanup.el)),
	    section('Late tasks', late.el));

	async function refresh() {
		const since = Date.now() - HOUR;
		const [state, pend, clean, done, active] = await Promise.all([
			get('/state'),
			get('/requests/queued/pending'),
			get('/requests/queued/cleanup'),
			get(`/history/tasks${qs({ startedAfter: since,
			    count: 1000 })}`),
			get('/tasks/active/ids'),
		]);
		for (const [key] of COUNTS)
			setText(cells[key], state[key] ?? 0);
		drawChart(chart, since, done, active);
		syncRows(pending.tbody, pend, (p) =>
		    `${p.requestId}/${p.deployId}/${p.timestamp}/${p.pendingType}`,
		    (p) => h('tr', {},
			h('td', {}, link(requestHref(p.requestId), p.requestId)),
			h('td', {}, badge(p.pendingType)),
			h('td', { text: fmtTime(p.timestamp) }),
			h('td', { text: p.user || '' })),
		    'Nothing pending.', pending.columns);
		syncRows(cleanup.tbody, clean, (c) =>
		    `${c.requestId}/${c.cleanupType}/${c.timestamp}`,
		    (c) => h('tr', {},
			h('td', {}, link(requestHref(c.requestId), c.requestId)),
			h('td', {}, badge(c.cleanupType)),
			h('td', { text: fmtTime(c.timestamp) }),
			h('td', { text: c.user || '' })),
		    'Nothing cleaning.', cleanup.columns);
		syncRows(late.tbody, state.listLateTasks || [], (t) => t.id,
		    (t) => h('tr', {},
			h('td', {}, link(requestHref(t.requestId), t.id)),
			h('td', { text: `${fmtAge(t.nextRunAt)} ago` })),
		    'No task is late.', late.columns);
	}
	return { refresh, interval: 3000 };
}

function drawChart(el, since, done, active) {
	const width = BUCKETS * 40;
	const size = HOUR / BUCKETS;
	const launches = new Array(BUCKETS).fill(0);
	const failures = new Array(BUCKETS).fill(0);
	const bucket = (ms) => Math.min(BUCKETS - 1,
	    Math.floor((ms - since) / size));
	for (const t of active)
		if (t.startedAt > since)
			launches[bucket(t.startedAt)]++;
	for (const t of done) {
		if (t.taskId.startedAt > since)
			launches[bucket(t.taskId.startedAt)]++;
		if (FAILED.has(t.lastTaskState) && t.updatedAt > since)
			failures[bucket(t.updatedAt)]++;
	}
	const max = Math.max(1, ...launches, ...failures);
	const total = (a) => a.reduce((x, y) => x + y, 0);
	const summary = `${total(launches)} launches and ${total(failures)} ` +
	    'failures in the last hour, in 5-minute bars.';
	const sig = JSON.stringify([launches, failures]);
	const ns = 'http://www.w3.org/2000/svg';
	const svg = document.createElementNS(ns, 'svg');
	svg.setAttribute('viewBox', `0 0 ${width} 110`);
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', summary);
	for (let i = 0; i < BUCKETS; i++) {
		for (const [series, n, dx] of [['launch', launches[i], 6],
		    ['fail', failures[i], 20]]) {
			const rect = document.createElementNS(ns, 'rect');
			const bh = Math.round((n / max) * 90);
			rect.setAttribute('x', i * 40 + dx);
			rect.setAttribute('y', 95 - bh);
			rect.setAttribute('width', 13);
			rect.setAttribute('height', Math.max(bh, n ? 1 : 0));
			rect.setAttribute('class', series);
			const title = document.createElementNS(ns, 'title');
			title.textContent = `${n} ${series === 'launch' ?
			    'launches' : 'failures'}, ${BUCKETS - i} to ` +
			    `${BUCKETS - i - 1} × 5 min ago`;
			rect.append(title);
			svg.append(rect);
		}
	}
	const axis = document.createElementNS(ns, 'line');
	axis.setAttribute('x1', 0);
	axis.setAttribute('x2', width);
	axis.setAttribute('y1', 95.5);
	axis.setAttribute('y2', 95.5);
	axis.setAttribute('class', 'axis');
	svg.append(axis);
	for (const [x, label, anchor] of [[0, '−60 min', 'start'],
	    [width, 'now', 'end']]) {
		const t = document.createElementNS(ns, 'text');
		t.setAttribute('x', x);
		t.setAttribute('y', 108);
		t.setAttribute('text-anchor', anchor);
		t.textContent = label;
		svg.append(t);
	}
	setContent(el, sig, svg, h('p', { class: 'legend' },
	    h('span', { class: 'key launch' }), ' launches ',
	    h('span', { class: 'key fail' }), ' failures — ', summary));
}

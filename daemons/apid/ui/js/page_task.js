// Task: state timeline, health checks, environment, resources, ports,
// a sandbox browser and live tails of stdout and stderr.

import { del, enc, get, qs } from './api.js';
import { act, badge, confirmDialog, fmtBytes, fmtTime, h, link, section,
    setContent, setText, syncRows, table } from './dom.js';
import { refreshNow, requestHref } from './nav.js';
import { taskPorts } from './page_request.js';
import { tail } from './tail.js';

// Where a kill still has something to stop.
const ACTIVE = new Set(['TASK_LAUNCHED', 'TASK_STAGING', 'TASK_STARTING',
    'TASK_RUNNING', 'TASK_CLEANING']);

function kvTable(caption, obj) {
	const t = table(caption, ['Name', 'Value'], 'kv');
	syncRows(t.tbody, Object.entries(obj), ([k]) => k, ([k, v]) =>
	    h('tr', {}, h('th', { scope: 'row', text: k }),
		h('td', { class: 'code', text: typeof v === 'object' ?
		    JSON.stringify(v) : String(v) })),
	    'None.', 2);
	return t.el;
}

function sandbox(taskId, openFile) {
	let dir = '';
	const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Sandbox path' });
	const files = table('Sandbox files', ['Name', 'Size', 'Modified']);
	const el = h('div', {}, crumbs, h('div', { class: 'scroll-x' }, files.el));

	function go(path) {
		dir = path;
		refresh().catch((e) => setText(crumbs, e.message));
	}
	async function refresh() {
		const box = await get(`/sandbox/${enc(taskId)}/browse` +
		    qs({ path: dir }));
		const parts = dir ? dir.split('/') : [];
		setContent(crumbs, dir,
		    h('button', { type: 'button', class: 'link',
			onclick: () => go(''), text: 'sandbox' }),
		    parts.map((p, i) => [' / ', h('button', { type: 'button',
			class: 'link', text: p,
			onclick: () => go(parts.slice(0, i + 1).join('/')) })]));
		const rows = box.files.slice().sort((a, b) =>
		    a.name.localeCompare(b.name));
		syncRows(files.tbody, rows, (f) => `${dir}/${f.name}`, (f) => {
			const path = dir ? `${dir}/${f.name}` : f.name;
			const isDir = f.mode?.startsWith('d');
			return h('tr', {},
			    h('td', {}, h('button', { type: 'button',
				class: 'link', text: isDir ? `${f.name}/` : f.name,
				'aria-label': isDir ? `Open folder ${f.name}` :
				    `Tail ${f.name}`,
				onclick: () => isDir ? go(path) : openFile(path) })),
			    h('td', { class: 'num', text: isDir ? '—' :
				fmtBytes(f.size) }),
			    h('td', { text: fmtTime(f.mtime * 1000) }));
		}, 'Empty folder.', files.columns);
	}
	return { el, refresh };
}

export function mount(root, params) {
	const id = params[0];
	const title = h('h1', { class: 'break', text: id });
	const summary = h('p', { class: 'summary' });
	const kill = h('button', { type: 'button', class: 'danger',
	    text: 'Kill task…', hidden: true });
	kill.addEventListener('click', async () => {
		if (await confirmDialog('Kill this task?', `${id} is sent ` +
		    'SIGTERM, then SIGKILL after the grace period. A service ' +
		    'or worker starts a replacement.', 'Kill'))
			act(kill, 'Kill', () => del(`/tasks/task/${enc(id)}`))
			    .then(refreshNow);
	});
	const timeline = h('ol', { class: 'timeline' });
	const health = table('Health checks', ['When', 'Status', 'Duration',
	    'Error']);
	const env = h('div');
	const resources = h('div');
	const ports = h('p');
	const box = sandbox(id, openFile);
	const out = tail(id, 'stdout', 'stdout');
	const err = tail(id, 'stderr', 'stderr');
	const extra = h('div');
	let extraTail = null;
	root.append(title, summary, h('div', { class: 'actions' }, kill),
	    h('div', { class: 'grid2' },
		section('State timeline', timeline),
		section('Health checks', h('div', { class: 'scroll-x' },
		    health.el))),
	    section('Logs', h('div', { class: 'tails' }, out.el, err.el),
		extra),
	    section('Sandbox', box.el),
	    h('div', { class: 'grid2' },
		section('Environment', env),
		section('Resources and ports', resources, ports)));

	function openFile(path) {
		if (extraTail)
			extraTail.stop();
		extraTail = tail(id, path, path);
		extra.replaceChildren(extraTail.el);
		extraTail.el.querySelector('pre').focus();
	}

	async function refresh() {
		const th = await get(`/history/task/${enc(id)}`);
		const task = th.task || {};
		const tid = task.taskId || {};
		const deploy = task.taskRequest?.deploy || {};
		const updates = th.taskUpdates || [];
		const last = updates.length ? updates[updates.length - 1] : null;
		setContent(summary, JSON.stringify([tid, last?.taskState]),
		    'Request ', link(requestHref(tid.requestId), tid.requestId),
		    ` · deploy ${tid.deployId} · instance ${tid.instanceNo} · ` +
		    `host ${tid.host} · `, badge(last?.taskState));
		syncRows(timeline, updates, (u) => `${u.timestamp}/${u.taskState}`,
		    (u) => h('li', {}, badge(u.taskState), ' ',
			h('time', { text: fmtTime(u.timestamp) }),
			u.statusMessage ? h('span', { class: 'muted',
			    text: ` ${u.statusMessage}` }) : null));
		syncRows(health.tbody, (th.healthcheckResults || []).slice()
		    .sort((a, b) => b.timestamp - a.timestamp).slice(0, 20),
		    (r) => r.timestamp, (r) => h('tr', {},
			h('td', { text: fmtTime(r.timestamp) }),
			h('td', { text: r.statusCode ?? '—' }),
			h('td', { text: r.durationMillis !== undefined ?
			    `${r.durationMillis} ms` : '—' }),
			h('td', { text: r.errorMessage || '' })),
		    'No health check ran.', health.columns);
		const envs = { ...(deploy.env || {}),
		    ...(task.taskRequest?.pendingTask?.envOverrides || {}) };
		setContent(env, JSON.stringify(envs), kvTable('Environment', envs));
		const res = { ...(deploy.resources || {}) };
		setContent(resources, JSON.stringify(res),
		    kvTable('Resources', res));
		kill.hidden = !ACTIVE.has(last?.taskState);
		const p = taskPorts(task);
		setText(ports, `Ports: ${p.length ? p.join(', ') : 'none'}`);
		await box.refresh().catch(() => {});
	}
	function unmount() {
		out.stop();
		err.stop();
		if (extraTail)
			extraTail.stop();
	}
	return { refresh, unmount, interval: 2000 };
}

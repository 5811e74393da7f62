// Request: its state and actions, active tasks, deploys, task history
// (paged), request history, its JSON, and the new-deploy form.

import { ApiError, del, enc, get, post, put, qs } from './api.js';
import { act, badge, confirmDialog, field, fmtAge, fmtTime, h, link,
    section, setContent, setText, syncRows, table } from './dom.js';
import { deployForm } from './deploy_form.js';
import { UI_ROOT, navigate, refreshNow, taskHref } from './nav.js';

const TASK_PAGE = 10;
const LONG_RUNNING = new Set(['SERVICE', 'WORKER']);
const RUNNABLE = new Set(['ON_DEMAND', 'SCHEDULED']);

// Split "a 'b c' d" into ['a', 'b c', 'd'].
function splitArgs(text) {
	const out = [];
	const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
	let m;
	while ((m = re.exec(text)) !== null)
		out.push(m[1] ?? m[2] ?? m[3]);
	return out;
}

export function taskPorts(task) {
	for (const r of task?.mesosTask?.resources || [])
		if (r.name === 'ports')
			return (r.ranges?.range || []).flatMap((x) => {
				const p = [];
				for (let i = x.begin; i <= x.end; i++)
					p.push(i);
				return p;
			});
	return [];
}

function actions(id, base) {
	const pause = h('button', { type: 'button', text: 'Pause' });
	const unpause = h('button', { type: 'button', text: 'Unpause' });
	const bounce = h('button', { type: 'button', text: 'Bounce' });
	const scaleTo = h('input', { type: 'number', min: '1', class: 'short',
	    name: 'instances' });
	const scale = h('button', { type: 'submit', text: 'Scale' });
	const args = h('input', { name: 'args', autocomplete: 'off',
	    placeholder: 'arguments…' });
	const run = h('button', { type: 'submit', text: 'Run now' });
	const remove = h('button', { type: 'button', class: 'danger',
	    text: 'Delete…' });
	const scaleForm = h('form', { class: 'row', 'aria-label': 'Scale' },
	    field('Instances', scaleTo), scale);
	const runForm = h('form', { class: 'row', 'aria-label': 'Run now' },
	    field('Run arguments', args), run);

	pause.addEventListener('click', () => act(pause, 'Pause',
	    () => post(`${base}/pause`, {})).then(refreshNow));
	unpause.addEventListener('click', () => act(unpause, 'Unpause',
	    () => post(`${base}/unpause`, {})).then(refreshNow));
	bounce.addEventListener('click', () => act(bounce, 'Bounce',
	    () => post(`${base}/bounce`, {})).then(refreshNow));
	scaleForm.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const n = Number(scaleTo.value);
		act(scale, `Scale to ${n}`,
		    () => put(`${base}/scale`, { instances: n }))
		    .then(refreshNow);
	});
	runForm.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const body = {};
		if (args.value.trim())
			body.commandLineArgs = splitArgs(args.value);
		act(run, 'Run now', () => post(`${base}/run`, body))
		    .then(refreshNow);
	});
	remove.addEventListener('click', async () => {
		if (!await confirmDialog(`Delete ${id}?`, 'Its tasks are ' +
		    'killed and the request is removed. This cannot be undone.',
		    'Delete'))
			return;
		if (await act(remove, `Delete ${id}`, () => del(base)))
			navigate(`${UI_ROOT}/requests`);
	});
	const el = h('div', { class: 'actions', role: 'group',
	    'aria-label': 'Actions' },
	    pause, unpause, bounce, scaleForm, runForm, remove);
	function update(parent) {
		const type = parent.request.requestType;
		const paused = parent.state === 'PAUSED';
		pause.hidden = paused;
		unpause.hidden = !paused;
		bounce.hidden = !LONG_RUNNING.has(type) || paused;
		scaleForm.hidden = !LONG_RUNNING.has(type);
		runForm.hidden = !RUNNABLE.has(type);
		// Seeded once, never over what the user typed.
		if (scaleTo.value === '')
			scaleTo.value = parent.request.instances || 1;
	}
	return { el, update };
}

export function mount(root, params) {
	const id = params[0];
	const base = `/requests/request/${enc(id)}`;
	const hist = `/history/request/${enc(id)}`;
	let taskPage = 1;
	const portsCache = new Map();

	const title = h('h1', { text: id });
	const summary = h('p', { class: 'summary' });
	const acts = actions(id, base);
	const deploy = deployForm(id);
	const active = table('Active tasks',
	    ['Instance', 'Task', 'State', 'Health', 'Host', 'Ports', 'Age'],
	    'active-tasks');
	const deploys = table('Deploy history',
	    ['Deploy', 'Command', 'Started', 'Result']);
	const tasks = table('Task history',
	    ['Task', 'Last state', 'Started', 'Updated'], 'task-history');
	const reqs = table('Request history', ['When', 'Event', 'User',
	    'Message'], 'request-history');
	const pageLabel = h('span', { 'aria-live': 'polite' });
	const prev = h('button', { type: 'button', text: '← Newer' });
	const next = h('button', { type: 'button', text: 'Older →' });
	prev.addEventListener('click', () => {
		taskPage = Math.max(1, taskPage - 1);
		refreshNow();
	});
	next.addEventListener('click', () => {
		taskPage++;
		refreshNow();
	});
	const json = h('pre', { class: 'json', tabindex: '0' });
	const gone = h('p', { class: 'banner', hidden: true, role: 'alert' });

	root.append(title, summary, gone, acts.el, deploy.el,
	    section('Active tasks', h('div', { class: 'scroll-x' }, active.el)),
	    section('Deploy history', h('div', { class: 'scroll-x' },
		deploys.el)),
	    section('Task history', h('div', { class: 'scroll-x' }, tasks.el),
		h('div', { class: 'row pager' }, prev, pageLabel, next)),
	    section('Request history', h('div', { class: 'scroll-x' },
		reqs.el)),
	    h('details', { class: 'card' }, h('summary', { text: 'JSON' }),
		json));

	async function ports(taskId) {
		if (!portsCache.has(taskId)) {
			try {
				portsCache.set(taskId, taskPorts(
				    await get(`/tasks/task/${enc(taskId)}`)));
			} catch (e) {
				return [];
			}
		}
		return portsCache.get(taskId);
	}

	async function refresh() {
		const parent = await get(base);
		const [activeHist, dh, th, rh] = await Promise.all([
			get(`${hist}/tasks/active`),
			get(`${hist}/deploys${qs({ count: 10 })}`),
			get(`${hist}/tasks${qs({ count: TASK_PAGE,
			    page: taskPage })}`),
			get(`${hist}/requests${qs({ count: 20 })}`),
		]);
		gone.hidden = true;
		const req = parent.request;
		const ds = parent.requestDeployState || {};
		setContent(summary, JSON.stringify([req, parent.state, ds]),
		    badge(req.requestType), ' ', badge(parent.state), ' ',
		    LONG_RUNNING.has(req.requestType) ?
			`${req.instances ?? 1} instance(s) · ` : '',
		    `active deploy ${ds.activeDeploy?.deployId || 'none'}`,
		    ds.pendingDeploy ?
			` · deploying ${ds.pendingDeploy.deployId}` : '');
		acts.update(parent);
		if (!ds.activeDeploy && !ds.pendingDeploy)
			deploy.open();
		await deploy.update(parent);

		const healthy = new Set((parent.taskIds?.healthy || [])
		    .map((t) => t.id));
		const cleaning = new Set((parent.taskIds?.cleaning || [])
		    .map((t) => t.id));
		const rows = await Promise.all(activeHist.map(async (t) => ({
			t,
			ports: await ports(t.taskId.id),
			health: cleaning.has(t.taskId.id) ? 'cleaning' :
			    healthy.has(t.taskId.id) ? 'healthy' :
			    'not yet healthy',
		})));
		rows.sort((a, b) => a.t.taskId.instanceNo - b.t.taskId.instanceNo);
		syncRows(active.tbody, rows, (r) => r.t.taskId.id, (r) =>
		    h('tr', { class: 'task-row' },
			h('td', { class: 'num', text: r.t.taskId.instanceNo }),
			h('td', {}, link(taskHref(r.t.taskId.id), r.t.taskId.id)),
			h('td', {}, badge(r.t.lastTaskState)),
			h('td', { text: r.health }),
			h('td', { text: r.t.taskId.host }),
			h('td', { text: r.ports.join(', ') || '—' }),
			h('td', { 'data-age': r.t.taskId.startedAt,
			    text: fmtAge(r.t.taskId.startedAt) })),
		    'No active task.', active.columns);
		for (const td of active.tbody.querySelectorAll('[data-age]'))
			setText(td, fmtAge(Number(td.dataset.age)));

		syncRows(deploys.tbody, dh, (d) => d.deployMarker.deployId, (d) =>
		    h('tr', {},
			h('td', { text: d.deployMarker.deployId }),
			h('td', { class: 'code', text: d.deploy?.command || '' }),
			h('td', { text: fmtTime(d.deployMarker.timestamp) }),
			h('td', {}, badge(d.deployResult?.deployState ||
			    'PENDING'), d.deployResult?.message ?
			    ` ${d.deployResult.message}` : '')),
		    'No deploy yet.', deploys.columns);

		syncRows(tasks.tbody, th, (t) => t.taskId.id, (t) =>
		    h('tr', {},
			h('td', {}, link(taskHref(t.taskId.id), t.taskId.id)),
			h('td', {}, badge(t.lastTaskState)),
			h('td', { text: fmtTime(t.taskId.startedAt) }),
			h('td', { text: fmtTime(t.updatedAt) })),
		    taskPage > 1 ? 'No older tasks.' : 'No finished task yet.',
		    tasks.columns);
		setText(pageLabel, `page ${taskPage}`);
		prev.disabled = taskPage === 1;
		next.disabled = th.length < TASK_PAGE;

		syncRows(reqs.tbody, rh, (r) => `${r.createdAt}/${r.eventType}`,
		    (r) => h('tr', {},
			h('td', { text: fmtTime(r.createdAt) }),
			h('td', {}, badge(r.eventType)),
			h('td', { text: r.user || '' }),
			h('td', { text: r.message || '' })),
		    'No history.', reqs.columns);
		const text = JSON.stringify(parent, null, 2);
		if (json.textContent !== text)
			json.textContent = text;
	}
	function onGone(e) {
		setText(gone, e instanceof ApiError ?
		    `Request ${id} does not exist (deleted?).` : e.message);
		gone.hidden = false;
	}
	return { refresh, gone: onGone, interval: 2000 };
}

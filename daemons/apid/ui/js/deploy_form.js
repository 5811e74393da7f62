// The new-deploy form of the request page, and the progress of the deploy
// it started, followed until it succeeds or fails.

import { ApiError, enc, get, post } from './api.js';
import { act, field, h, setText } from './dom.js';

function parseEnv(text) {
	const env = {};
	for (const line of text.split('\n')) {
		const t = line.trim();
		if (!t || t.startsWith('#'))
			continue;
		const eq = t.indexOf('=');
		if (eq <= 0)
			throw new Error(`environment line '${t}' is not KEY=VALUE`);
		env[t.slice(0, eq).trim()] = t.slice(eq + 1);
	}
	return env;
}

export function deployForm(requestId) {
	const deployId = h('input', { name: 'deployId', autocomplete: 'off',
	    pattern: '[A-Za-z0-9_]+', placeholder: 'generated when empty' });
	const command = h('textarea', { name: 'command', rows: 2,
	    required: true, spellcheck: false });
	const cpus = h('input', { name: 'cpus', type: 'number', step: 'any',
	    min: '0.01', value: '0.1' });
	const mem = h('input', { name: 'memoryMb', type: 'number', min: '1',
	    value: '64' });
	const ports = h('input', { name: 'numPorts', type: 'number', min: '0',
	    value: '0' });
	const env = h('textarea', { name: 'env', rows: 2, spellcheck: false,
	    placeholder: 'KEY=value, one a line' });
	const hcUri = h('input', { name: 'healthcheckUri',
	    placeholder: '/health', autocomplete: 'off' });
	const hcPort = h('input', { name: 'healthcheckPortIndex',
	    type: 'number', min: '0', value: '0' });
	const submit = h('button', { type: 'submit', class: 'primary',
	    text: 'Deploy' });
	const bar = h('progress', { max: 100, value: 0,
	    'aria-label': 'Deploy progress' });
	const status = h('p', { role: 'status', class: 'deploy-status' });
	const progress = h('div', { class: 'deploy-progress', hidden: true },
	    bar, status);
	const form = h('form', { class: 'stack', 'aria-label': 'New deploy' },
	    field('Command', command, 'run by /bin/sh -c in the sandbox'),
	    h('div', { class: 'row wrap' },
		field('Deploy id', deployId), field('CPUs', cpus),
		field('Memory (MB)', mem), field('Ports', ports)),
	    field('Environment', env),
	    h('div', { class: 'row wrap' },
		field('Health check URI', hcUri, 'HTTP GET on a port; empty: none'),
		field('Health check port index', hcPort)),
	    h('div', { class: 'row' }, submit), progress);
	const details = h('details', { class: 'card', id: 'new-deploy' },
	    h('summary', { text: 'New deploy' }), form);
	let tracking = null;	// deploy id being followed

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		let deploy;
		try {
			deploy = {
				requestId,
				id: deployId.value.trim() ||
				    `d${Date.now().toString(36)}`,
				command: command.value.trim(),
				resources: { cpus: Number(cpus.value),
				    memoryMb: Number(mem.value),
				    numPorts: Number(ports.value) || 0 },
				env: parseEnv(env.value),
			};
		} catch (e) {
			setText(status, e.message);
			progress.hidden = false;
			return;
		}
		if (hcUri.value.trim())
			deploy.healthcheck = { uri: hcUri.value.trim(),
			    portIndex: Number(hcPort.value) || 0 };
		const ok = await act(submit, `Start of deploy ${deploy.id}`,
		    () => post('/deploys', { deploy }));
		if (!ok)
			return;
		tracking = deploy.id;
		deployId.value = '';
		progress.hidden = false;
		progress.dataset.result = 'pending';
		bar.value = 5;
		setText(status, `Deploy ${deploy.id}: waiting to start`);
	});

	// Called on each refresh of the page with the request parent.
	async function update(parent) {
		if (!tracking)
			return;
		const id = tracking;
		let hist = null;
		try {
			hist = await get(`/history/request/${enc(requestId)}` +
			    `/deploy/${enc(id)}`);
		} catch (e) {
			if (!(e instanceof ApiError && e.status === 404))
				throw e;
		}
		const result = hist?.deployResult;
		if (result && result.deployState !== 'WAITING') {
			const ok = result.deployState === 'SUCCEEDED';
			bar.value = ok ? 100 : bar.value;
			progress.dataset.result = ok ? 'succeeded' : 'failed';
			const why = result.message ||
			    (result.deployFailures || []).map((f) =>
				f.message || f.reason).filter(Boolean).join('; ');
			setText(status, `Deploy ${id}: ${result.deployState}` +
			    (why ? ` — ${why}` : ''));
			tracking = null;
			return;
		}
		const pds = parent.pendingDeployState;
		if (pds && pds.deployMarker?.deployId === id) {
			const p = pds.deployProgress || {};
			const target = p.targetActiveInstances || 1;
			const now = p.currentActiveInstances || 0;
			bar.value = Math.max(5, Math.round(90 * now / target));
			setText(status, `Deploy ${id}: ` +
			    `${pds.currentDeployState || 'WAITING'}, ` +
			    `${now} of ${target} instances up`);
		}
	}
	return { el: details, update, open: () => { details.open = true; } };
}

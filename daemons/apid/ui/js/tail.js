// A live tail of one sandbox file: starts near its end and follows its
// offsets (GET /sandbox/{taskId}/read), appending what was written since.

import { ApiError, enc, get, qs } from './api.js';
import { h, setText } from './dom.js';

const BACKLOG = 32 * 1024;	// bytes shown from before the tail starts
const KEEP = 256 * 1024;	// characters kept on screen
const POLL_MS = 1000;

export function tail(taskId, path, label) {
	const pre = h('pre', { class: 'log', tabindex: '0',
	    'aria-label': `${label} of the task`, 'data-path': path });
	const state = h('small', { class: 'muted', 'aria-live': 'off' });
	const el = h('div', { class: 'tail' },
	    h('div', { class: 'row' }, h('h3', { text: label }), state), pre);
	const base = `/sandbox/${enc(taskId)}/read`;
	let offset = null;
	let timer = 0;
	let stopped = false;

	async function poll() {
		if (offset === null) {
			const end = await get(base + qs({ path }));
			offset = Math.max(0, end.offset - BACKLOG);
		}
		// Catch up in a few chunks, then wait for more.
		for (let i = 0; i < 8; i++) {
			const chunk = await get(base + qs({ path, offset }));
			const next = chunk.nextOffset ?? chunk.offset +
			    new TextEncoder().encode(chunk.data).length;
			if (chunk.data) {
				const follow = pre.scrollTop + pre.clientHeight >=
				    pre.scrollHeight - 4;
				let text = pre.textContent + chunk.data;
				if (text.length > KEEP)
					text = text.slice(text.length - KEEP);
				pre.textContent = text;
				if (follow)
					pre.scrollTop = pre.scrollHeight;
			}
			if (next <= offset)
				break;
			offset = next;
		}
		setText(state, `${offset} bytes`);
	}
	async function loop() {
		if (stopped)
			return;
		try {
			if (!document.hidden)
				await poll();
		} catch (e) {
			setText(state, e instanceof ApiError && e.status !== 500 ?
			    `waiting: ${e.message}` : `error: ${e.message}`);
		}
		if (!stopped)
			timer = setTimeout(loop, POLL_MS);
	}
	loop();
	return {
		el,
		stop() {
			stopped = true;
			clearTimeout(timer);
		},
	};
}

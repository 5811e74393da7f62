// The one way the UI talks to apid.  Every call sends the token kept in
// sessionStorage, if any, as a Bearer header; a 401 asks for a token once
// (concurrent calls wait on the same form) and retries with it.

export const API_ROOT = '/singularity/api';
const TOKEN_KEY = 'kerr.token';

export class ApiError extends Error {
	constructor(status, text) {
		super(text.trim() || `HTTP ${status}`);
		this.status = status;
	}
}

let tokenAsk = null;

function askToken(refused) {
	if (tokenAsk)
		return tokenAsk;
	tokenAsk = new Promise((resolve) => {
		const dialog = document.getElementById('token-dialog');
		const input = document.getElementById('token-input');
		document.getElementById('token-why').textContent = refused ?
		    'The token was refused; enter another.' :
		    'This kerr asks for an API token.';
		input.value = '';
		dialog.addEventListener('close', () => {
			const token = input.value.trim();
			if (token)
				sessionStorage.setItem(TOKEN_KEY, token);
			tokenAsk = null;
			resolve(Boolean(token));
		}, { once: true });
		dialog.showModal();
		input.focus();
	});
	return tokenAsk;
}

async function call(method, path, body) {
	for (let attempt = 0; ; attempt++) {
		const headers = { Accept: 'application/json' };
		const token = sessionStorage.getItem(TOKEN_KEY);
		if (token)
			headers.Authorization = `Bearer ${token}`;
		const init = { method, headers };
		if (body !== undefined) {
			headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(body);
		}
		const resp = await fetch(API_ROOT + path, init);
		if (resp.status === 401 && attempt === 0 &&
		    await askToken(Boolean(token)))
			continue;
		const text = await resp.text();
		if (!resp.ok)
			throw new ApiError(resp.status, text);
		if (text === '')
			return null;
		const type = resp.headers.get('Content-Type') || '';
		return type.includes('json') ? JSON.parse(text) : text;
	}
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = (path, body) => call('DELETE', path, body);

export const enc = encodeURIComponent;

// Query string from an object, skipping empty values.
export function qs(params) {
	const s = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== undefined && v !== null && v !== '')
			s.append(k, String(v));
	const out = s.toString();
	return out ? `?${out}` : '';
}

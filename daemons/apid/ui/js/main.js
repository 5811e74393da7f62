// The router: the URL names the page (History API; apid answers
// index.html for every /singularity/ui/... path), each page is mounted
// once and refreshed in place on its own interval while the tab is shown.

import { h, setText } from './dom.js';
import { UI_ROOT, navigate, setRouterHooks } from './nav.js';
import * as statusPage from './page_status.js';
import * as requestsPage from './page_requests.js';
import * as requestPage from './page_request.js';
import * as taskPage from './page_task.js';

const routes = [
	{ re: /^\/singularity\/(ui\/?|ui\/status\/?)?$/, page: statusPage,
	    nav: 'status' },
	{ re: /^\/singularity\/ui\/requests\/?$/, page: requestsPage,
	    nav: 'requests' },
	{ re: /^\/singularity\/ui\/request\/([^/]+)\/?$/, page: requestPage,
	    nav: 'requests' },
	{ re: /^\/singularity\/ui\/task\/([^/]+)\/?$/, page: taskPage,
	    nav: 'requests' },
];

let current = null;	// { view, timer, seq }
let routeSeq = 0;

function notFound(root) {
	root.append(h('h1', { text: 'Not found' }),
	    h('p', {}, 'No page at this address. ',
		h('a', { href: `${UI_ROOT}/requests` }, 'See the requests.')));
	return { refresh: async () => {} };
}

function showError(e) {
	const banner = document.getElementById('banner');
	if (e) {
		setText(banner, `Cannot reach kerr: ${e.message}`);
		banner.hidden = false;
	} else if (!banner.hidden)
		banner.hidden = true;
}

// One loop per mounted page; never two refreshes of it at once.
async function refreshLoop(seq) {
	const cur = current;
	if (!cur || cur.seq !== seq)
		return;
	if (cur.running) {
		cur.again = true;
		return;
	}
	clearTimeout(cur.timer);
	let wait = cur.view.interval || 3000;
	if (document.hidden)
		wait = 1000;
	else {
		cur.running = true;
		try {
			await cur.view.refresh();
			if (current === cur) {
				showError(null);
				setText(document.getElementById('updated'),
				    `updated ${new Date().toLocaleTimeString()}`);
			}
		} catch (e) {
			if (current === cur) {
				if (e.status === 404 && cur.view.gone)
					cur.view.gone(e);
				else
					showError(e);
			}
		}
		cur.running = false;
		if (cur.again) {
			cur.again = false;
			wait = 0;
		}
	}
	if (current === cur)
		cur.timer = setTimeout(() => refreshLoop(seq), wait);
}

function route(focus) {
	let path = location.pathname;
	try {
		path = decodeURI(path);
	} catch (e) {
		// A malformed escape: match the path as it came.
	}
	const root = document.getElementById('view');
	if (current) {
		clearTimeout(current.timer);
		if (current.view.unmount)
			current.view.unmount();
	}
	root.replaceChildren();
	showError(null);
	let view = null;
	let nav = '';
	for (const r of routes) {
		const m = path.match(r.re);
		if (m) {
			view = r.page.mount(root, m.slice(1),
			    new URLSearchParams(location.search));
			nav = r.nav;
			break;
		}
	}
	if (!view)
		view = notFound(root);
	for (const a of document.querySelectorAll('[data-nav]'))
		if (a.dataset.nav === nav)
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	const title = root.querySelector('h1');
	document.title = title ? `${title.textContent} · kerr` : 'kerr';
	if (focus)
		root.focus();
	current = { view, timer: null, seq: ++routeSeq };
	refreshLoop(current.seq);
}

document.addEventListener('click', (ev) => {
	const a = ev.target.closest('a[href]');
	if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey ||
	    ev.ctrlKey || ev.shiftKey || ev.altKey || a.target)
		return;
	const url = new URL(a.href, location.href);
	if (url.origin !== location.origin ||
	    !url.pathname.startsWith(UI_ROOT) ||
	    url.pathname.startsWith(`${UI_ROOT}/assets/`))
		return;
	ev.preventDefault();
	navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => route(true));
document.addEventListener('visibilitychange', () => {
	if (!document.hidden && current)
		refreshLoop(current.seq);
});
setRouterHooks(route, () => current && refreshLoop(current.seq));
route(false);

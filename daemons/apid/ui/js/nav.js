// What pages need of the router, kept apart from main.js so the pages and
// the router do not import each other.

export const UI_ROOT = '/singularity/ui';

const hooks = { route: null, refresh: null };

export function setRouterHooks(route, refresh) {
	hooks.route = route;
	hooks.refresh = refresh;
}

export function navigate(href) {
	history.pushState(null, '', href);
	hooks.route(true);
}

// Refresh the current page now (after an action), not at its next tick.
export function refreshNow() {
	hooks.refresh();
}

// Pages keep filters in the query string so a link shows the same view.
export function replaceQuery(params) {
	const s = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v)
			s.set(k, v);
	const q = s.toString();
	history.replaceState(null, '', location.pathname + (q ? `?${q}` : ''));
}

export const requestHref = (id) => `${UI_ROOT}/request/${encodeURIComponent(id)}`;
export const taskHref = (id) => `${UI_ROOT}/task/${encodeURIComponent(id)}`;

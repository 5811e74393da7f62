// make check-ui: the web UI driven in the system Chromium (playwright-core)
// against real daemons started by run.sh.  Each step acts through the page
// as a user would, then checks the API with a plain HTTP GET.
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.KERR_UI_NODE_MODULES}/`);
const { chromium } = require('playwright-core');

const BASE = process.env.KERR_UI_URL;
const API = `${BASE}/singularity/api`;
const UI = `${BASE}/singularity/ui`;
const SHOTS = process.env.KERR_UI_SHOTS;
const REQ = 'ui-web';
const COMMAND = 'while true; do date; sleep 1; done';
const started = Date.now();
const pageErrors = [];
const openPages = new Set();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(msg) {
	throw new Error(msg);
}

// The admin token run.sh wrote into tokens_file (auth = token).
const TOKEN = process.env.KERR_UI_TOKEN;
const AUTH = { Authorization: `Bearer ${TOKEN}` };

// A context whose pages start with the token in sessionStorage, as if
// the user had typed it once.
async function authedContext(browser, options) {
	const ctx = await browser.newContext(options);
	await ctx.addInitScript((t) => sessionStorage.setItem('kerr.token', t),
	    TOKEN);
	return ctx;
}

async function apiGet(path) {
	const r = await fetch(API + path, { headers: AUTH });
	const text = await r.text();
	return { status: r.status, json: r.ok && text ? JSON.parse(text) : null,
	    text };
}

async function apiSend(method, path, body) {
	const r = await fetch(API + path, { method,
	    headers: { 'Content-Type': 'application/json', ...AUTH },
	    body: JSON.stringify(body) });
	if (!r.ok)
		fail(`${method} ${path}: ${r.status} ${await r.text()}`);
}

// Poll fn until it returns something truthy; fail after ms.
async function until(what, fn, ms = 20000) {
	const end = Date.now() + ms;
	let last;
	while (Date.now() < end) {
		try {
			last = await fn();
			if (last)
				return last;
		} catch (e) {
			last = e.message;
		}
		await sleep(200);
	}
	fail(`timed out after ${ms} ms waiting for ${what}` +
	    (last !== undefined ? ` (last: ${JSON.stringify(last)})` : ''));
}

async function step(name, fn) {
	const t0 = Date.now();
	await fn();
	console.log(`ok - ${name} (${Date.now() - t0} ms)`);
}

async function shot(page, name) {
	await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

function watch(page) {
	openPages.add(page);
	page.on('close', () => openPages.delete(page));
	page.on('pageerror', (e) => pageErrors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/401|404/.test(m.text()))
			pageErrors.push(m.text());
	});
}

// Nothing wider than the viewport at 390 px: no sideways scrolling.
async function fitsWidth(page, width) {
	const w = await page.evaluate(() =>
	    document.documentElement.scrollWidth);
	if (w > width)
		fail(`${page.url()} is ${w} px wide at a ${width} px viewport`);
}

const activeTasks = async () =>
    (await apiGet(`/history/request/${REQ}/tasks/active`)).json || [];

async function main() {
	await until('the API', async () => (await apiGet('/state')).status ===
	    200, 15000);
	const root = process.getuid && process.getuid() === 0;
	const browser = await chromium.launch({
		executablePath: process.env.KERR_UI_CHROMIUM || '/usr/bin/chromium',
		// Chromium's sandbox refuses to run as root.
		args: root ? ['--no-sandbox'] : [],
	});
	try {
		await scenario(browser);
	} catch (e) {
		let i = 0;
		for (const p of openPages) {
			const name = `failure-${++i}`;
			console.error(`${name}.png: ${p.url()}`);
			await shot(p, name).catch(() => {});
		}
		throw e;
	} finally {
		await browser.close();
	}
	if (pageErrors.length)
		fail(`errors in the page:\n  ${pageErrors.join('\n  ')}`);
}

async function tokenScenario(browser) {
	// The real apid runs with auth = token: without one every call is a
	// 401, and the UI asks for it.
	const ctx = await browser.newContext({ viewport: { width: 1280,
	    height: 900 } });
	const seen = new Set();
	let refused = 0;
	ctx.on('response', (r) => {
		if (r.url().includes('/singularity/api/') && r.status() === 401)
			refused++;
	});
	ctx.on('request', (r) => {
		const auth = r.headers().authorization;
		if (r.url().includes('/singularity/api/') && auth)
			seen.add(auth);
	});
	const page = await ctx.newPage();
	watch(page);
	await page.goto(`${UI}/status`);
	const dialog = page.locator('#token-dialog');
	await dialog.waitFor({ state: 'visible' });
	if (refused === 0)
		fail('the dialog came without a 401 from apid');
	await page.getByLabel('Token').fill(TOKEN);
	await page.getByRole('button', { name: 'Use token' }).click();
	await page.locator('.counts dd', { hasText: /^\d+$/ }).first()
	    .waitFor();
	const stored = await page.evaluate(() =>
	    sessionStorage.getItem('kerr.token'));
	if (stored !== TOKEN)
		fail(`token in sessionStorage: ${stored}`);
	if (seen.size !== 1 || !seen.has(`Bearer ${TOKEN}`))
		fail(`Authorization headers sent: ${[...seen]}`);
	// Same browser session: no second question, no more 401s.
	const before = refused;
	await page.reload();
	await page.locator('.counts dd', { hasText: /^\d+$/ }).first()
	    .waitFor();
	await sleep(500);
	if (refused !== before || await dialog.isVisible())
		fail('asked for the token again in the same session');
	await ctx.close();
}

async function scenario(browser) {
	await step('a 401 asks for the token once and keeps it',
	    () => tokenScenario(browser));

	// A few requests beside the one the UI creates, for the filters.
	await apiSend('POST', '/requests', { id: 'nightly-report',
	    requestType: 'SCHEDULED', schedule: '0 3 * * *' });
	await apiSend('POST', '/requests', { id: 'queue-worker',
	    requestType: 'WORKER', instances: 3 });
	await apiSend('POST', '/requests', { id: 'adhoc-export',
	    requestType: 'ON_DEMAND' });

	const ctx = await authedContext(browser, { viewport: { width: 1280,
	    height: 900 } });
	const page = await ctx.newPage();
	watch(page);

	await step('requests page lists and filters', async () => {
		await page.goto(`${UI}/requests`);
		const filters = page.getByRole('search');
		const rows = page.locator('table.requests tbody tr[data-key]');
		await until('3 request rows', async () =>
		    await rows.count() === 3);
		await filters.getByLabel('Type').selectOption('WORKER');
		await until('only the worker', async () =>
		    await rows.count() === 1 &&
		    await rows.first().getAttribute('data-key') === 'queue-worker');
		if (!page.url().includes('type=WORKER'))
			fail(`filter not in the URL: ${page.url()}`);
		await filters.getByLabel('Type').selectOption('');
		await page.keyboard.press('/');
		await page.keyboard.type('report');
		await until('only the report', async () =>
		    await rows.count() === 1 &&
		    await rows.first().getAttribute('data-key') ===
		    'nightly-report');
		await filters.getByLabel('Search').fill('');
		await until('all rows back', async () =>
		    await rows.count() === 3);
		// By keyboard: from the search box past the two filters to
		// the first request, Enter opens it, Back returns.
		const first = await rows.first().getAttribute('data-key');
		await filters.getByLabel('Search').focus();
		for (let i = 0; i < 3; i++)
			await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await page.waitForURL(`${UI}/request/${first}`);
		await page.locator('h1', { hasText: first }).waitFor();
		await page.goBack();
		await page.waitForURL(`${UI}/requests`);
		await until('the list again', async () =>
		    await rows.count() === 3);
	});

	await step('create a request through the UI', async () => {
		await page.getByText('New request', { exact: true }).click();
		const form = page.getByRole('form', { name: 'New request' });
		await form.getByLabel('Request id').fill(REQ);
		await form.getByLabel('Type').selectOption('SERVICE');
		await form.getByLabel('Instances').fill('1');
		await form.getByRole('button', { name: 'Create request' }).click();
		await page.waitForURL(`${UI}/request/${REQ}`);
		const r = await apiGet(`/requests/request/${REQ}`);
		if (r.status !== 200 || r.json.request.requestType !== 'SERVICE' ||
		    r.json.state !== 'ACTIVE')
			fail(`API after create: ${r.status} ${r.text}`);
	});

	await step('deploy through the form and follow it to success',
	    async () => {
		const form = page.locator('form[aria-label="New deploy"]');
		await form.waitFor({ state: 'visible' });
		await page.getByLabel('Command').fill(COMMAND);
		await page.getByLabel('Deploy id').fill('d1');
		await page.getByLabel('Memory (MB)').fill('32');
		await page.getByRole('button', { name: 'Deploy', exact: true })
		    .click();
		await page.locator('.deploy-progress[data-result="succeeded"]')
		    .waitFor({ timeout: 30000 });
		const text = await page.locator('.deploy-status').innerText();
		if (!text.includes('SUCCEEDED'))
			fail(`deploy status reads '${text}'`);
		const h = await apiGet(`/history/request/${REQ}/deploy/d1`);
		if (h.json?.deployResult?.deployState !== 'SUCCEEDED' ||
		    h.json.deploy.command !== COMMAND)
			fail(`API deploy history: ${h.text}`);
		const r = await apiGet(`/requests/request/${REQ}`);
		if (r.json.requestDeployState?.activeDeploy?.deployId !== 'd1')
			fail(`API active deploy: ${r.text}`);
	});

	let taskId;
	await step('the task row appears', async () => {
		const row = page.locator('tr.task-row',
		    { hasText: 'TASK_RUNNING' });
		await row.first().waitFor({ timeout: 20000 });
		const tasks = await activeTasks();
		if (tasks.length !== 1)
			fail(`API active tasks: ${JSON.stringify(tasks)}`);
		taskId = tasks[0].taskId.id;
		if (await row.first().getAttribute('data-key') !== taskId)
			fail(`row ${await row.first().getAttribute('data-key')} ` +
			    `is not the API's task ${taskId}`);
		// No flicker: a refresh leaves an unchanged row's element be.
		const el = await row.first().elementHandle();
		const updated = page.locator('#updated');
		const stamp = await updated.innerText();
		await until('a refresh', async () =>
		    await updated.innerText() !== stamp, 10000);
		if (!await el.evaluate((tr) => tr.isConnected))
			fail('a refresh rebuilt the unchanged task row');
		await shot(page, 'request-1280');
	});

	await step('the task page tails stdout as it grows', async () => {
		await page.getByRole('link', { name: taskId }).click();
		await page.waitForURL(`${UI}/task/${taskId}`);
		const out = page.locator('pre[data-path="stdout"]');
		const lines = async () => (await out.innerText())
		    .split('\n').filter((l) => l.trim()).length;
		const first = await until('stdout lines', lines);
		await until('stdout growing', async () =>
		    await lines() >= first + 2, 15000);
		const api = await apiGet(`/sandbox/${taskId}/read?path=stdout` +
		    '&offset=0');
		if (!api.json?.data)
			fail(`API stdout: ${api.text}`);
		await page.locator('.timeline li', { hasText: 'TASK_RUNNING' })
		    .waitFor();
		await shot(page, 'task-1280');
	});

	await step('scale to 2', async () => {
		await page.getByRole('link', { name: REQ, exact: true }).click();
		await page.waitForURL(`${UI}/request/${REQ}`);
		await page.locator('tr.task-row').first().waitFor();
		await page.getByLabel('Instances').fill('2');
		await page.getByRole('button', { name: 'Scale' }).click();
		await until('two task rows', async () => await page.locator(
		    'tr.task-row', { hasText: 'TASK_RUNNING' }).count() === 2,
		    20000);
		const r = await apiGet(`/requests/request/${REQ}`);
		if (r.json.request.instances !== 2)
			fail(`API instances: ${r.text}`);
		if ((await activeTasks()).length !== 2)
			fail('API: not 2 active tasks');
	});

	await step('pause', async () => {
		await page.getByRole('button', { name: 'Pause' }).click();
		await page.locator('.summary .badge', { hasText: 'PAUSED' })
		    .waitFor();
		await page.getByRole('button', { name: 'Unpause' }).waitFor();
		const r = await apiGet(`/requests/request/${REQ}`);
		if (r.json.state !== 'PAUSED')
			fail(`API state after pause: ${r.json.state}`);
		await until('tasks killed', async () =>
		    (await activeTasks()).length === 0, 20000);
		await page.locator('tr.empty', { hasText: 'No active task' })
		    .waitFor();
	});

	await step('unpause', async () => {
		await page.getByRole('button', { name: 'Unpause' }).click();
		await page.locator('.summary .badge', { hasText: 'ACTIVE' })
		    .first().waitFor();
		const r = await apiGet(`/requests/request/${REQ}`);
		if (r.json.state !== 'ACTIVE')
			fail(`API state after unpause: ${r.json.state}`);
		await until('two task rows again', async () => await page.locator(
		    'tr.task-row', { hasText: 'TASK_RUNNING' }).count() === 2,
		    20000);
		if ((await activeTasks()).length !== 2)
			fail('API: not 2 active tasks after unpause');
	});

	await step('bounce replaces both tasks', async () => {
		const before = new Set((await activeTasks()).map((t) =>
		    t.taskId.id));
		await page.getByRole('button', { name: 'Bounce' }).click();
		const fresh = async () => {
			const now = (await activeTasks()).map((t) => t.taskId.id);
			return now.length === 2 && now.every((id) => !before.has(id));
		};
		await until('two new tasks in the API', fresh, 30000);
		await until('two new task rows', async () => {
			const keys = await page.locator('tr.task-row').evaluateAll(
			    (trs) => trs.map((tr) => tr.dataset.key));
			return keys.length === 2 && keys.every((k) => !before.has(k));
		});
		const hist = (await apiGet(`/history/request/${REQ}/requests`)).json;
		if (!hist.some((h) => h.eventType === 'BOUNCED'))
			fail(`no BOUNCED in the request history: ${JSON.stringify(
			    hist.map((h) => h.eventType))}`);
	});

	await step('screenshots of each page at 1280 and 390 px', async () => {
		const tasks = await activeTasks();
		const pages = [['status', `${UI}/status`],
		    ['requests', `${UI}/requests`],
		    ['request', `${UI}/request/${REQ}`],
		    ['task', `${UI}/task/${tasks[0].taskId.id}`]];
		for (const [width, height] of [[1280, 900], [390, 844]]) {
			const c = await authedContext(browser, {
			    viewport: { width, height } });
			const p = await c.newPage();
			watch(p);
			for (const [name, url] of pages) {
				await p.goto(url);
				await p.locator('#updated', { hasText: 'updated' })
				    .waitFor({ state: 'attached' });
				if (name === 'task')
					await p.locator('pre[data-path="stdout"]',
					    { hasText: 'UTC' }).waitFor();
				await fitsWidth(p, width);
				if (name === 'status')
					await checkChart(p);
				await shot(p, `${name}-${width}`);
			}
			await c.close();
		}
	});

	await step('delete with confirmation', async () => {
		await page.goto(`${UI}/request/${REQ}`);
		await page.getByRole('button', { name: 'Delete…' }).click();
		const dialog = page.locator('#confirm-dialog');
		await dialog.waitFor({ state: 'visible' });
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		if ((await apiGet(`/requests/request/${REQ}`)).status !== 200)
			fail('cancelled delete deleted anyway');
		await page.getByRole('button', { name: 'Delete…' }).click();
		await dialog.getByRole('button', { name: 'Delete' }).click();
		await page.waitForURL(`${UI}/requests`);
		await until('request gone from the API', async () =>
		    (await apiGet(`/requests/request/${REQ}`)).status === 404,
		    20000);
		await until('tasks gone', async () =>
		    (await apiGet('/tasks/active')).json.filter((t) =>
			t.taskId.requestId === REQ).length === 0, 20000);
		await until('row gone', async () => await page.locator(
		    `table.requests tr[data-key="${REQ}"]`).count() === 0);
	});

	await step('a deploy that fails is followed to FAILED', async () => {
		await page.goto(`${UI}/request/queue-worker`);
		await page.locator('form[aria-label="New deploy"]').waitFor();
		await page.getByLabel('Command').fill('exit 3');
		await page.getByLabel('Deploy id').fill('bad1');
		await page.getByRole('button', { name: 'Deploy', exact: true })
		    .click();
		await page.locator('.deploy-progress[data-result="failed"]')
		    .waitFor({ timeout: 30000 });
		const text = await page.locator('.deploy-status').innerText();
		const h = await apiGet('/history/request/queue-worker/deploy/bad1');
		if (h.json?.deployResult?.deployState !== 'FAILED' ||
		    !text.includes('FAILED'))
			fail(`UI '${text}', API ${h.text}`);
	});

	await step('a deploy with a port, env and an HTTP health check; kill',
	    async () => {
		await apiSend('POST', '/requests', { id: 'ui-http',
		    requestType: 'SERVICE' });
		await page.goto(`${UI}/request/ui-http`);
		await page.locator('form[aria-label="New deploy"]').waitFor();
		await page.getByLabel('Command').fill(
		    `exec ${process.env.KERR_UI_HTTPD} $PORT0 200`);
		await page.getByLabel('Deploy id').fill('h1');
		await page.getByLabel('Ports', { exact: true }).fill('1');
		await page.getByLabel('Environment').fill('GREETING=hi there');
		await page.getByLabel('Health check URI').fill('/h');
		await page.getByLabel('Health check port index').fill('0');
		await page.getByRole('button', { name: 'Deploy', exact: true })
		    .click();
		await page.locator('.deploy-progress[data-result="succeeded"]')
		    .waitFor({ timeout: 30000 });
		const ids = (await apiGet('/tasks/ids/request/ui-http')).json;
		const id = ids.healthy[0]?.id || fail('API: no healthy task');
		const th = (await apiGet(`/history/task/${id}`)).json;
		const port = th.task.mesosTask.resources.find((r) =>
		    r.name === 'ports').ranges.range[0].begin;
		if (th.task.taskRequest.deploy.env.GREETING !== 'hi there' ||
		    th.task.taskRequest.deploy.healthcheck.uri !== '/h')
			fail(`API deploy: ${JSON.stringify(
			    th.task.taskRequest.deploy)}`);
		const row = page.locator(`tr[data-key="${id}"]`);
		await row.locator('td', { hasText: /^healthy$/ }).waitFor();
		await row.locator('td', { hasText: new RegExp(`^${port}$`) })
		    .waitFor();
		await page.getByRole('link', { name: id }).click();
		await page.locator('.card', { hasText: 'Health checks' })
		    .locator('td', { hasText: /^200$/ }).first().waitFor();
		await page.locator('table.kv tr', { hasText: 'GREETING' })
		    .locator('td', { hasText: 'hi there' }).waitFor();
		await page.getByText(`Ports: ${port}`).waitFor();
		if (!th.healthcheckResults?.some((r) => r.statusCode === 200))
			await until('a 200 check in the API', async () =>
			    (await apiGet(`/history/task/${id}`)).json
			    .healthcheckResults?.some((r) => r.statusCode === 200));
		await shot(page, 'task-health-1280');

		await page.getByRole('button', { name: 'Kill task…' }).click();
		await page.locator('#confirm-dialog').getByRole('button',
		    { name: 'Kill' }).click();
		await page.locator('.timeline li', { hasText: 'TASK_KILLED' })
		    .waitFor({ timeout: 20000 });
		await page.getByRole('button', { name: 'Kill task…' })
		    .waitFor({ state: 'hidden' });
		const last = (await apiGet(`/history/task/${id}`)).json
		    .taskUpdates.at(-1).taskState;
		if (last !== 'TASK_KILLED')
			fail(`API: killed task's last state ${last}`);
		await until('a replacement task', async () => {
			const now = (await apiGet('/tasks/ids/request/ui-http')).json;
			return [...now.healthy, ...now.notYetHealthy].some((t) =>
			    t.id !== id);
		}, 20000);
	});

	await step('run now with arguments', async () => {
		await apiSend('POST', '/deploys', { deploy: {
		    requestId: 'adhoc-export', id: 'e1', command: 'echo',
		    resources: { cpus: 0.1, memoryMb: 32 } } });
		await until('the on-demand deploy', async () => (await apiGet(
		    '/history/request/adhoc-export/deploy/e1')).json
		    ?.deployResult?.deployState === 'SUCCEEDED');
		await page.goto(`${UI}/request/adhoc-export`);
		await page.locator('.summary', { hasText: 'active deploy e1' })
		    .waitFor();
		await page.getByLabel('Run arguments').fill("hello 'big world'");
		await page.getByRole('button', { name: 'Run now' }).click();
		const done = await until('the run in the task history', async () =>
		    (await apiGet('/history/request/adhoc-export/tasks')).json
		    ?.find((t) => t.lastTaskState === 'TASK_FINISHED'), 20000);
		const id = done.taskId.id;
		const th = (await apiGet(`/history/task/${id}`)).json;
		const args = th.task.taskRequest.pendingTask.cmdLineArgsList;
		if (JSON.stringify(args) !== '["hello","big world"]')
			fail(`arguments sent: ${JSON.stringify(args)}`);
		await page.locator(`tr[data-key="${id}"]`,
		    { hasText: 'TASK_FINISHED' }).waitFor();
		await page.getByRole('link', { name: id }).click();
		await page.locator('pre[data-path="stdout"]',
		    { hasText: 'hello big world' }).waitFor();
	});

	await step('10 000 requests: rendered and filtered in a window',
	    async () => {
		await createMany(10000);
		const total = (await apiGet('/requests/ids')).json.length;
		if (total < 10000)
			fail(`API: ${total} requests`);
		const t0 = Date.now();
		await page.goto(`${UI}/requests`);
		const count = page.locator('.filters [aria-live]');
		await until(`${total} requests counted`, async () =>
		    (await count.innerText()) === `${total} of ${total}`, 20000);
		const firstMs = Date.now() - t0;
		const rows = page.locator('table.requests tbody tr[data-key]');
		const inDom = await rows.count();
		if (inDom < 10 || inDom > 100)
			fail(`${inDom} rows in the DOM for ${total} requests`);
		const t1 = Date.now();
		await page.getByRole('search').getByLabel('Search')
		    .fill('bulk-0999');
		await until('the 10 matches', async () =>
		    (await count.innerText()) === `10 of ${total}`);
		const filterMs = Date.now() - t1;
		if (await rows.count() !== 10)
			fail('search shows other rows than its 10 matches');
		console.log(`    first render ${firstMs} ms, ${inDom} rows ` +
		    `in the DOM, search ${filterMs} ms`);
		if (firstMs > 8000 || filterMs > 3000)
			fail('the requests page is too slow with 10 000 requests');
	});
	await ctx.close();
}

// The status page's chart counts this run's launches.
async function checkChart(page) {
	const label = await page.locator('.chart svg').getAttribute('aria-label');
	const m = /^(\d+) launches/.exec(label || '');
	// 1 at the deploy, 1 at the scale, 2 at the unpause, 2 at the bounce.
	if (!m || Number(m[1]) < 6)
		fail(`status chart: '${label}'`);
}

// Through the API, eight at a time: what the UI must cope with.
async function createMany(n) {
	let next = 0;
	const worker = async () => {
		while (next < n) {
			const i = next++;
			await apiSend('POST', '/requests', {
			    id: `bulk-${String(i).padStart(5, '0')}`,
			    requestType: 'WORKER', instances: 1 });
		}
	};
	await Promise.all(Array.from({ length: 8 }, worker));
}

main().then(() => {
	console.log(`check-ui: passed in ${((Date.now() - started) / 1000)
	    .toFixed(1)} s; screenshots in ${SHOTS}`);
}, (e) => {
	console.error(`check-ui: FAILED: ${e.stack || e.message}`);
	process.exit(1);
});

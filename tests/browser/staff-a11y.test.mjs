// staff-a11y.test.mjs: every staff page, as a logged-in admin sees it,
// passes axe-core (WCAG 2.0-2.2 A/AA and best practices: 0 violations)
// and html-validate (recommended rules: 0 errors), and none scrolls
// sideways on a phone (390 x 844).
//   1.x  axe on a desktop (1280 x 800): the login page, the article list,
//        the editor, a new article, the history, the statistics (with
//        searches, so with their forms), the users, the embed builder
//   2.x  axe on a phone
//   3.x  html-validate on the same pages (as kbd sends them)
//   4.x  no page is wider than the phone's screen
// The pages' CSP is bypassed only to inject axe itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { HtmlValidate } from 'html-validate';
import { startKbd, launchBrowser, copyArticles, waitUntil, sql, UA,
	ROOT, staffLogin } from './lib.mjs';

const axeSource = readFileSync(createRequire(import.meta.url)
	.resolve('axe-core/axe.min.js'), 'utf8');
const KBD = resolve(ROOT, process.env.KBD || 'build/kbd');
const PASSWORD = 'erstes-passwort-2026';
const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
let kbd, browser;

const PAGES = [
	['list', '/admin'],
	['list filtered', '/admin?q=mail&state=published&sort=hits'],
	['editor', '/admin/edit/imap'],
	['new', '/admin/new'],
	['history', '/admin/history/imap'],
	['stats', '/admin/stats'],
	['stats 30', '/admin/stats?days=30'],
	['users', '/admin/users'],
	['embed', '/admin/embed'],
];

before(async () => {
	kbd = await startKbd(['--articles', copyArticles()]);
	const r = spawnSync(KBD, ['user', 'add', 'erika', '--role', 'admin', '--db',
		join(kbd.tmp, 'kb.sqlite')], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `kbd user add: ${r.stderr}`);
	// Searches and views, so that the statistics have rows and forms.
	for (const q of ['wombat quallenzucht', 'imap kolibrifutter'])
		await fetch(`${kbd.base}/search?q=${encodeURIComponent(q)}`,
			{ headers: { 'User-Agent': UA } });
	await fetch(`${kbd.base}/a/imap`, { headers: { 'User-Agent': UA } });
	await waitUntil(() => sql(kbd, 'SELECT count(*) FROM search_log') === '2', 15000);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

// A logged-in context; the login page is audited on the way.
async function session(options, visit) {
	const context = await browser.newContext({ bypassCSP: true, userAgent: UA,
		...options });
	const page = await context.newPage();
	await page.goto(`${kbd.base}/admin/login`);
	await visit(page, 'login', '/admin/login');
	await staffLogin(page, kbd.base, 'erika', PASSWORD);
	for (const [name, path] of PAGES) {
		await page.goto(kbd.base + path);
		await visit(page, name, path);
	}
	await context.close();
}

async function axe(n, options) {
	const found = [];
	await session(options, async (page, name, path) => {
		await page.addScriptTag({ content: axeSource });
		const result = await page.evaluate(() => window.axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa',
				'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
			resultTypes: ['violations'],
		}));
		for (const v of result.violations)
			found.push(`${name} (${path}): ${v.impact} ${v.id}: ${v.help}: ` +
			    v.nodes.slice(0, 3).map(x => x.target.join(' ')).join(' | '));
	});
	assert.deepEqual(found, [], `${n} axe violations`);
}

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true,
	hasTouch: true };

test('1 axe, desktop', () => axe('1.1', { viewport: { width: 1280, height: 800 } }));
test('2 axe, phone', () => axe('2.1', PHONE));

test('3 html-validate', async () => {
	const errors = [];
	await session({}, async (page, name, path) => {
		const html = await page.evaluate(async p => (await fetch(p,
			{ credentials: 'same-origin' })).text(), path);
		const report = await validator.validateString(html, path);
		for (const f of report.results)
			for (const m of f.messages)
				errors.push(`${name} (${path}) ${m.line}:${m.column} ` +
				    `${m.ruleId}: ${m.message} (${m.selector})`);
	});
	assert.deepEqual(errors, [], '3.1 html-validate errors');
});

test('4 no sideways scroll on a phone', async () => {
	const wide = [];
	await session(PHONE, async (page, name, path) => {
		const w = await page.evaluate(() => [document.documentElement.scrollWidth,
			document.documentElement.clientWidth]);
		if (w[0] > w[1])
			wide.push(`${name} (${path}): ${w[0]} px wide on ${w[1]} px`);
	});
	assert.deepEqual(wide, [], '4.1 pages wider than the phone');
});

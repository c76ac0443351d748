// a11y.test.mjs: axe-core (vendored, tests/browser/vendor/) finds no
// accessibility violation of any impact on the public pages, on a desktop
// (1280 x 800) and on a phone (390 x 844), with axe's WCAG 2.0-2.2 A/AA
// rules and its best practices.
//   1.x  desktop: home, a category page, a search with the suggestions
//        open, a search that finds nothing, two articles (one with a
//        table, a task list and a picture), after "Nein" (the comment
//        field), the 404 page
//   2.x  the same on a phone
// The page's CSP is bypassed only to inject axe itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startKbd, launchBrowser, copyArticles, SETUP_ARTICLE, UA } from './lib.mjs';

const axeSource = readFileSync(createRequire(import.meta.url)
	.resolve('axe-core/axe.min.js'), 'utf8');
let kbd, browser;

const PAGES = [
	['home', '/'],
	['category', '/k/e-mail'],
	['suggestions', '/', async page => {
		await page.locator('#q').click();
		await page.keyboard.type('imap ein', { delay: 40 });
		await page.locator('#q-suggest li.all').waitFor();
		await page.keyboard.press('ArrowDown');
	}],
	['results', '/search?q=imap'],
	['corrected', '/search?q=passwort+vergesen'],
	['no results', '/search?q=wombat+quallenzucht'],
	['article', '/a/imap'],
	['table', '/a/serverdaten'],
	['comment', '/a/imap?hilfreich=nein'],
	['404', '/a/gibt-es-nicht'],
];

before(async () => {
	kbd = await startKbd(['--articles', copyArticles(SETUP_ARTICLE),
		'--contact-url', 'https://www.example.com/kontakt']);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

async function audit(n, options) {
	const context = await browser.newContext({ bypassCSP: true, userAgent: UA,
		...options });
	const page = await context.newPage();
	const found = [];
	for (const [name, path, prepare] of PAGES) {
		await page.goto(kbd.base + path);
		if (prepare)
			await prepare(page);
		await page.addScriptTag({ content: axeSource });
		const result = await page.evaluate(() => window.axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa',
				'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
			resultTypes: ['violations'],
		}));
		for (const v of result.violations)
			found.push(`${name} (${path}): ${v.impact} ${v.id}: ${v.help}: ` +
			    v.nodes.slice(0, 3).map(x => x.target.join(' ')).join(' | '));
	}
	await context.close();
	assert.deepEqual(found, [], `${n} axe violations`);
}

test('1 desktop', () => audit('1.1', { viewport: { width: 1280, height: 800 } }));
test('2 phone', () => audit('2.1', { viewport: { width: 390, height: 844 },
	isMobile: true, hasTouch: true }));

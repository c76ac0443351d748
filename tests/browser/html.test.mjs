// html.test.mjs: the public pages are valid HTML, as html-validate
// (vendored, tests/browser/vendor/) reads them with its recommended rules:
// 0 errors on each.  No browser: kbd's answers are read as they are sent.
//   1.x  the home page, a category page, a search with results, with
//        suggestions' source words corrected, one that finds nothing, page 2
//   2.x  articles: plain, with a table, a task list and a picture, after
//        a vote without JavaScript ("Nein": the comment field)
//   3.x  the 404 page, the contact link (--contact-url) on each of them
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HtmlValidate } from 'html-validate';
import { startKbd, copyArticles, SETUP_ARTICLE } from './lib.mjs';

let kbd;
const validator = new HtmlValidate({
	extends: ['html-validate:recommended'],
});

before(async () => {
	kbd = await startKbd(['--articles', copyArticles(SETUP_ARTICLE),
		'--contact-url', 'https://www.example.com/kontakt?thema=faq']);
});

after(async () => {
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

// Fetches path (its status must be status) and validates it; returns
// the page.
async function valid(n, path, status = 200) {
	const r = await fetch(kbd.base + path);
	assert.equal(r.status, status, `${n} ${path}: status`);
	const html = await r.text();
	const report = await validator.validateString(html, path);
	const errors = report.results.flatMap(f => f.messages.map(m =>
		`${m.line}:${m.column} ${m.ruleId}: ${m.message} (${m.selector})`));
	assert.deepEqual(errors, [], `${n} ${path}: html-validate errors`);
	return html;
}

test('1 home, category, search', async () => {
	await valid('1.1', '/');
	await valid('1.2', '/k/e-mail');
	await valid('1.3', '/search?q=imap');
	await valid('1.4', '/search?q=passwort+vergesen');
	await valid('1.5', '/search?q=passwort+vergesen&exact=1');
	const none = await valid('1.6', '/search?q=wombat+quallenzucht');
	assert.match(none, /class="contact"/, '1.6 no contact link on a search without results');
	await valid('1.7', '/search?q=mail&page=2');
	await valid('1.8', '/search');
});

test('2 articles', async () => {
	await valid('2.1', '/a/imap');
	const page = await valid('2.2', '/a/serverdaten');
	assert.match(page, /<table>/, '2.2 no table');
	assert.match(page, /<img src="\/media\/konto\.png\?v=[0-9a-f]{16}" width="800" height="450"/,
		'2.2 no picture with its size');
	await valid('2.3', '/a/imap?hilfreich=nein');
	await valid('2.4', '/a/imap?hilfreich=ja');
});

test('3 errors', async () => {
	const page = await valid('3.1', '/a/gibt-es-nicht', 404);
	assert.match(page, /class="contact"/, '3.1 no contact link on the 404 page');
	await valid('3.2', '/k/gibt-es-nicht', 404);
	await valid('3.3', '/gibt/es/nicht', 404);
});

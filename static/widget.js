/* kbd widget: top FAQ list and search box in a Shadow DOM; see README
 * "Embedding". Under 3 KB gzipped: tests/http/t0035-embed.sh checks. */
(() => {
"use strict";
const me = document.currentScript;
if (!me || !window.customElements || !window.fetch) return;
const base = new URL("../", me.src);
const url = p => new URL(p.replace(/^\//, ""), base).href;
const words = {
	de: ["Häufige Fragen", "Aufrufe", "Suche in der Hilfe", "Suchen", "Zur Hilfe"],
	en: ["Frequently asked questions", "views", "Search the help", "Search", "Go to help"]
};
const css = ":host{display:block}:host([hidden]){display:none}" +
	".k{box-sizing:border-box;font-family:var(--kbd-font,inherit);" +
	"font-size:var(--kbd-font-size,16px);line-height:1.5;font-weight:400;" +
	"font-style:normal;text-align:start;color:var(--kbd-color,#1f2328);" +
	"background:var(--kbd-bg,#fff);border:1px solid var(--kbd-border,#d0d7de);" +
	"border-radius:var(--kbd-radius,8px);padding:.75em 1em}" +
	"h2{font:inherit;font-weight:700;font-size:1.1em;margin:0 0 .5em}" +
	"ol{margin:0;padding:0 0 0 1.6em}li{margin:.3em 0}" +
	"a{color:var(--kbd-link,#0b5cad);text-decoration:underline}" +
	"a:focus-visible,input:focus-visible,button:focus-visible{outline:2px solid var(--kbd-link,#0b5cad);outline-offset:2px}" +
	".n{color:var(--kbd-muted,#57606a);font-size:.875em}" +
	"form{display:flex;gap:.5em;position:relative;margin:0}" +
	"input,button{font:inherit;border-radius:4px;padding:.4em .7em}" +
	"input{flex:1;min-width:0;color:inherit;background:#fff;border:1px solid #6e7781}" +
	"button{color:#fff;background:var(--kbd-link,#0b5cad);border:0;cursor:pointer}" +
	"ul{position:absolute;z-index:1;left:0;right:0;top:100%;margin:.3em 0 0;padding:.3em 0;" +
	"list-style:none;background:var(--kbd-bg,#fff);border:1px solid #d0d7de;border-radius:4px}" +
	"ul a{display:block;padding:.3em .7em;text-decoration:none}" +
	"[aria-selected=true]{background:#ddeaf8}.v{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}";
const el = (tag, parent, text, cls) => {
	const e = document.createElement(tag);
	if (text != null) e.textContent = text;
	if (cls) e.className = cls;
	if (parent) parent.appendChild(e);
	return e;
};
// A constructed sheet: a strict page CSP would refuse an inline <style>.
const shadow = host => {
	const r = host.shadowRoot || host.attachShadow({ mode: "open" });
	try {
		const s = new CSSStyleSheet();
		s.replaceSync(css);
		r.adoptedStyleSheets = [s];
	} catch (e) {
		el("style", r, css);
	}
	r.textContent = "";
	const k = el("div", r, null, "k");
	k.lang = host.lang || "de";
	return [k, words[k.lang.slice(0, 2)] || words.de];
};
const flag = v => v != null && v !== "false" && v !== "0";

function top(host) {
	const [k, w] = shadow(host), a = n => host.getAttribute(n);
	const h = el("h2", k, a("heading") || w[0]);
	h.id = "h";
	k.setAttribute("role", "region");
	k.setAttribute("aria-labelledby", "h");
	k.setAttribute("aria-busy", "true");
	fetch(url("api/top?limit=" + encodeURIComponent(a("limit") || 10) +
	    (a("period") ? "&period=" + encodeURIComponent(a("period")) : "")))
		.then(r => r.ok ? r.json() : Promise.reject(r.status))
		.then(d => {
			const ol = el("ol", k);
			for (const t of d.articles) {
				const li = el("li", ol);
				el("a", li, t.title).href = url(t.url);
				if (flag(a("hits")))
					el("span", li, " (" + t.hits.toLocaleString(k.lang) + " " + w[1] + ")", "n");
			}
		})
		.catch(() => { el("a", el("p", k), w[4]).href = base.href; })
		.finally(() => k.removeAttribute("aria-busy"));
}

function search(host) {
	const [k, w] = shadow(host);
	const f = el("form", k), i = el("input"), l = el("ul");
	let items = [], cur = -1, timer, ask;
	f.setAttribute("role", "search");
	f.action = url("search");
	f.method = "get";
	f.target = "_top";
	el("label", f, w[2], "v").htmlFor = i.id = "q";
	f.append(i);
	el("button", f, w[3]).type = "submit";
	f.append(l);
	Object.assign(i, { name: "q", type: "search", autocomplete: "off", placeholder: w[2] });
	l.id = "l";
	l.hidden = true;
	l.setAttribute("role", "listbox");
	for (const [n, v] of [["role", "combobox"], ["aria-autocomplete", "list"],
	    ["aria-controls", "l"], ["aria-expanded", "false"]])
		i.setAttribute(n, v);
	const mark = n => {
		items.forEach((o, j) => o.setAttribute("aria-selected", j === n));
		cur = n;
		n < 0 ? i.removeAttribute("aria-activedescendant") :
		    i.setAttribute("aria-activedescendant", items[n].id);
	};
	const show = list => {
		l.textContent = "";
		items = list.map((s, j) => {
			const o = el("li", l);
			o.id = "o" + j;
			o.setAttribute("role", "option");
			const x = el("a", o, s.title);
			x.href = url(s.url);
			x.tabIndex = -1;
			return o;
		});
		l.hidden = !items.length;
		i.setAttribute("aria-expanded", !l.hidden);
		mark(-1);
	};
	i.addEventListener("input", () => {
		clearTimeout(timer);
		timer = setTimeout(() => {
			const q = i.value;
			if (q.trim().length < 2) return show([]);
			if (ask) ask.abort();
			ask = new AbortController();
			fetch(url("api/suggest?limit=6&q=" + encodeURIComponent(q)), { signal: ask.signal })
				.then(r => r.json())
				.then(d => i.value === q && show(d.suggestions || []))
				.catch(() => {});
		}, 150);
	});
	i.addEventListener("keydown", e => {
		const n = items.length;
		if (!n || l.hidden) return;
		if (e.key === "ArrowDown" || e.key === "ArrowUp") {
			e.preventDefault();
			mark((cur + (e.key === "ArrowDown" ? 1 : n - 1 + (cur < 0))) % n);
		} else if (e.key === "Enter" && cur >= 0) {
			e.preventDefault();
			location.href = items[cur].firstChild.href;
		} else if (e.key === "Escape") show([]);
	});
	i.addEventListener("blur", () => setTimeout(() => { l.hidden = true; }, 200));
}

const define = (name, render) => customElements.get(name) ||
	customElements.define(name, class extends HTMLElement {
		connectedCallback() { if (!this.shadowRoot) render(this); }
	});
define("kbd-top-faq", top);
define("kbd-faq-search", search);

const d = me.dataset;
const place = (name, attrs) => {
	const e = document.createElement(name);
	for (const n in attrs) if (attrs[n] != null) e.setAttribute(n, attrs[n]);
	const t = d.kbdTarget && document.querySelector(d.kbdTarget);
	t ? t.append(e) : me.after(e);
};
const go = () => {
	if (d.kbdTop != null)
		place("kbd-top-faq", { limit: d.kbdTop || 10, period: d.kbdPeriod,
		    lang: d.kbdLang, hits: d.kbdHits, heading: d.kbdHeading });
	if (d.kbdSearch != null) place("kbd-faq-search", { lang: d.kbdLang });
};
document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", go) : go();
})();

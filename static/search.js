// Search as you type for kbd's search box. Progressive enhancement: the
// form works without this file; with it, the articles that fit what has
// been typed so far (GET /api/suggest: the search's own understanding,
// typos forgiven, the last word completed) appear under the box as an
// ARIA listbox, their matching words marked, with a last row that shows
// all results. Arrow keys and Enter or the mouse choose; the first Esc
// closes the list and keeps the text; a live region says how many.
(function () {
	"use strict";
	var input = document.getElementById("q");
	if (!input || !window.fetch) {
		return;
	}
	var form = input.form;
	var list = document.createElement("ul");
	var count = document.createElement("div");
	var items = [];
	var active = -1;
	var timer = null;
	var pending = null;
	var shown = "";

	list.id = "q-suggest";
	list.className = "suggest";
	list.setAttribute("role", "listbox");
	list.setAttribute("aria-label", "Vorschläge");
	list.hidden = true;
	count.className = "visually-hidden";
	count.setAttribute("role", "status");
	count.setAttribute("aria-live", "polite");
	form.classList.add("has-suggest");
	form.appendChild(list);
	form.appendChild(count);
	input.setAttribute("role", "combobox");
	input.setAttribute("aria-autocomplete", "list");
	input.setAttribute("aria-controls", list.id);
	input.setAttribute("aria-expanded", "false");

	function isOpen() {
		return !list.hidden;
	}

	function close() {
		list.hidden = true;
		input.setAttribute("aria-expanded", "false");
		input.removeAttribute("aria-activedescendant");
		if (active >= 0 && items[active]) {
			items[active].setAttribute("aria-selected", "false");
		}
		active = -1;
	}

	function highlight(i) {
		if (active >= 0 && items[active]) {
			items[active].classList.remove("active");
			items[active].setAttribute("aria-selected", "false");
		}
		active = i;
		if (i >= 0 && items[i]) {
			items[i].classList.add("active");
			items[i].setAttribute("aria-selected", "true");
			input.setAttribute("aria-activedescendant", items[i].id);
			items[i].scrollIntoView({ block: "nearest" });
		} else {
			input.removeAttribute("aria-activedescendant");
		}
	}

	function choose(i) {
		var item = items[i];
		if (!item) {
			return;
		}
		if (item.dataset.url) {
			window.location.href = item.dataset.url;
		} else {
			close();
			form.submit();
		}
	}

	// The title as text nodes, the marked words in <mark>: never HTML.
	function title(li, s) {
		var parts = s.marked && s.marked.length ? s.marked : [s.title];
		parts.forEach(function (text, i) {
			if (!text) {
				return;
			}
			if (i % 2) {
				var m = document.createElement("mark");
				m.textContent = text;
				li.appendChild(m);
			} else {
				li.appendChild(document.createTextNode(text));
			}
		});
	}

	function option(id) {
		var li = document.createElement("li");
		li.id = "q-suggest-" + id;
		li.setAttribute("role", "option");
		li.setAttribute("aria-selected", "false");
		li.addEventListener("mousedown", function (e) {
			e.preventDefault();	// keep the focus in the box
		});
		li.addEventListener("click", function () {
			choose(items.indexOf(li));
		});
		list.appendChild(li);
		items.push(li);
		return li;
	}

	function show(q, suggestions) {
		list.textContent = "";
		items = [];
		active = -1;
		input.removeAttribute("aria-activedescendant");
		suggestions.forEach(function (s, i) {
			var li = option(i);
			li.dataset.url = s.url;
			title(li, s);
		});
		var all = option("alle");
		all.className = "all";
		all.textContent = "Alle Ergebnisse für „" + q.trim() + "“";
		list.hidden = false;
		input.setAttribute("aria-expanded", "true");
		shown = q;
		count.textContent = suggestions.length === 0 ? "Keine Vorschläge" :
		    suggestions.length === 1 ? "1 Vorschlag" :
		    suggestions.length + " Vorschläge";
	}

	function ask() {
		var q = input.value;
		if (q.trim().length < 2) {
			close();
			count.textContent = "";
			shown = "";
			return;
		}
		if (q === shown && isOpen()) {
			return;
		}
		if (pending) {
			pending.abort();
		}
		pending = window.AbortController ? new AbortController() : null;
		fetch("/api/suggest?limit=6&q=" + encodeURIComponent(q),
		    pending ? { signal: pending.signal } : {})
			.then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
			.then(function (data) {
				if (input.value === q && document.activeElement === input) {
					show(q, data.suggestions || []);
				}
			})
			.catch(function () { /* offline or aborted: keep the form */ });
	}

	input.addEventListener("input", function () {
		clearTimeout(timer);
		timer = setTimeout(ask, 120);
	});
	input.addEventListener("keydown", function (e) {
		if (e.key === "Escape") {
			if (isOpen()) {
				// The first Esc only closes the list: the browser
				// would empty the search field otherwise.
				e.preventDefault();
				e.stopPropagation();
				close();
			}
			return;
		}
		if (!isOpen()) {
			if (e.key === "ArrowDown" && input.value.trim().length >= 2) {
				e.preventDefault();
				shown = "";
				ask();
			}
			return;
		}
		if (e.key === "ArrowDown") {
			e.preventDefault();
			highlight(active + 1 < items.length ? active + 1 : 0);
		} else if (e.key === "ArrowUp") {
			e.preventDefault();
			highlight(active > 0 ? active - 1 : items.length - 1);
		} else if (e.key === "Enter" && active >= 0) {
			e.preventDefault();
			choose(active);
		}
	});
	input.addEventListener("blur", function () {
		// A click on a suggestion keeps the focus (mousedown above).
		setTimeout(close, 150);
	});
}());

// Search as you type for kbd's search box. Progressive enhancement: the
// form works without this file; with it, article titles matching what has
// been typed so far appear under the box (GET /api/suggest) and can be
// chosen with the mouse or the arrow keys and Enter.
(function () {
	"use strict";
	var input = document.getElementById("q");
	if (!input || !window.fetch) {
		return;
	}
	var form = input.form;
	var list = document.createElement("ul");
	var items = [];
	var active = -1;
	var timer = null;
	var pending = null;

	list.id = "q-suggest";
	list.className = "suggest";
	list.setAttribute("role", "listbox");
	list.hidden = true;
	form.classList.add("has-suggest");
	form.appendChild(list);
	input.setAttribute("role", "combobox");
	input.setAttribute("aria-autocomplete", "list");
	input.setAttribute("aria-controls", list.id);
	input.setAttribute("aria-expanded", "false");

	function close() {
		list.hidden = true;
		input.setAttribute("aria-expanded", "false");
		input.removeAttribute("aria-activedescendant");
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
		} else {
			input.removeAttribute("aria-activedescendant");
		}
	}

	function show(suggestions) {
		list.textContent = "";
		items = [];
		active = -1;
		suggestions.forEach(function (s, i) {
			var li = document.createElement("li");
			var a = document.createElement("a");
			li.id = "q-suggest-" + i;
			li.setAttribute("role", "option");
			li.setAttribute("aria-selected", "false");
			a.href = s.url;
			a.textContent = s.title; // text, never HTML
			a.tabIndex = -1;
			li.appendChild(a);
			list.appendChild(li);
			items.push(li);
		});
		list.hidden = items.length === 0;
		input.setAttribute("aria-expanded", items.length ? "true" : "false");
	}

	function ask() {
		var q = input.value;
		if (q.trim().length < 2) {
			close();
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
				if (input.value === q) {
					show(data.suggestions || []);
				}
			})
			.catch(function () { /* offline or aborted: keep the form */ });
	}

	input.addEventListener("input", function () {
		clearTimeout(timer);
		timer = setTimeout(ask, 120);
	});
	input.addEventListener("keydown", function (e) {
		if (list.hidden) {
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
			window.location.href = items[active].firstChild.href;
		} else if (e.key === "Escape") {
			close();
		}
	});
	input.addEventListener("blur", function () {
		// Let a click on a suggestion land first.
		setTimeout(close, 150);
	});
}());

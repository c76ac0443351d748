// "War dieser Artikel hilfreich?" without leaving the page. Progressive
// enhancement: the forms work without this file (the server answers the
// POST with a redirect back to the article, which then says thanks);
// with it, the same POST goes by fetch and the answer appears in place,
// after "Nein" with the field for a comment.
(function () {
	"use strict";
	var box = document.getElementById("hilfreich");
	if (!box || !window.fetch || !window.URLSearchParams) {
		return;
	}
	var vote = box.querySelector("form.vote");
	var more = box.querySelector("form.comment");
	var status = box.querySelector(".status");

	function send(form, fields) {
		return fetch(form.action, {
			method: "POST",
			credentials: "omit",
			headers: {
				"Accept": "application/json",
				"Content-Type": "application/x-www-form-urlencoded"
			},
			body: new URLSearchParams(fields).toString()
		}).then(function (r) {
			if (!r.ok) {
				throw new Error("vote " + r.status);
			}
			return r.json();
		});
	}

	function failed() {
		status.textContent = "Das hat nicht geklappt. Bitte laden Sie " +
		    "die Seite neu und versuchen Sie es noch einmal.";
	}

	if (vote) {
		vote.addEventListener("submit", function (e) {
			var v = e.submitter && e.submitter.value;
			if (v !== "ja" && v !== "nein") {
				return;
			}
			e.preventDefault();
			send(vote, { t: vote.elements.t.value, v: v }).then(function () {
				vote.hidden = true;
				status.textContent = "Danke für Ihre Rückmeldung!";
				if (v === "nein" && more) {
					more.hidden = false;
					more.elements.kommentar.focus();
				}
			}, failed);
		});
	}
	if (more) {
		more.addEventListener("submit", function (e) {
			e.preventDefault();
			send(more, {
				t: more.elements.t.value,
				v: "nein",
				kommentar: more.elements.kommentar.value
			}).then(function () {
				more.hidden = true;
				status.textContent = "Danke für Ihren Hinweis!";
			}, failed);
		});
	}
}());

// The copy buttons of /embed: each copies the snippet its data-copy
// names.  Without this file the snippets can still be selected by hand,
// so the buttons stay hidden until it runs.
(function () {
	"use strict";
	document.querySelectorAll("button[data-copy]").forEach(function (b) {
		var code = document.getElementById(b.getAttribute("data-copy"));
		if (!code) {
			return;
		}
		b.hidden = false;
		b.addEventListener("click", function () {
			var done = function () {
				b.textContent = "Kopiert";
				setTimeout(function () { b.textContent = "Kopieren"; }, 2000);
			};
			if (navigator.clipboard && window.isSecureContext) {
				navigator.clipboard.writeText(code.textContent).then(done,
				    function () { select(code); });
			} else {
				select(code);
			}
		});
	});

	// Where the clipboard is not available (plain HTTP), select the
	// text, so that Ctrl+C copies it.
	function select(node) {
		var range = document.createRange();
		range.selectNodeContents(node);
		window.getSelection().removeAllRanges();
		window.getSelection().addRange(range);
	}
}());

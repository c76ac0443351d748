// /embed/top tells the page around it how tall it is, so that the
// iframe snippet's one-line listener (which accepts it only from kbd's
// origin) can size the frame to its content: no scrollbar, nothing cut
// off. The height is no secret; any page may frame the list only if
// --cors-origin allows it (frame-ancestors).
(function () {
	"use strict";
	if (window.parent === window) {
		return;
	}
	var last = 0;
	function send() {
		var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
		if (h !== last) {
			last = h;
			window.parent.postMessage({ kbdHeight: h }, "*");
		}
	}
	window.addEventListener("load", send);
	window.addEventListener("resize", send);
	if (window.ResizeObserver) {
		new ResizeObserver(send).observe(document.body);
	}
	send();
})();

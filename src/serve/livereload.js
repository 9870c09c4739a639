// Live reload for `invest-guide serve`. The server adds this script to the pages it serves
// (never to a built site). It listens to the server's event stream: after a good build the
// page reloads; after a failed one an overlay lists the errors until a build succeeds.
"use strict";
(() => {
  const script = document.currentScript;
  const generation = script ? script.dataset.generation : "";
  let events = null;
  let overlay = null;

  const onGood = (event) => {
    if (event.data !== generation) {
      location.reload();
    } else if (overlay) {
      overlay.remove();
      overlay = null;
    }
  };
  // The server sends the current state on connect, so a tab that was hidden catches up as
  // soon as it is shown again.
  function connect() {
    events = new EventSource("/__invest-guide/events");
    events.addEventListener("ok", onGood);
    events.addEventListener("reload", onGood);
    events.addEventListener("problems", (event) => show(JSON.parse(event.data)));
  }
  // Hidden tabs let go of their connection: browsers allow only six per host.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && events) {
      events.close();
      events = null;
    } else if (!document.hidden && !events) {
      connect();
    }
  });
  connect();

  function el(tag, text, style) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.assign(node.style, style || {});
    return node;
  }

  function where(p) {
    return p.line > 0 ? `${p.path}:${p.line}:${Math.max(p.col, 1)}` : p.path;
  }

  function show(problems) {
    if (overlay) overlay.remove();
    overlay = el("section", "", {
      position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "2147483647",
      maxHeight: "60vh", overflow: "auto", boxSizing: "border-box", padding: "1rem 1.25rem",
      background: "#fff", color: "#1a1a1a", borderTop: "4px solid #b00020",
      boxShadow: "0 -4px 16px rgba(0,0,0,.25)", font: "15px/1.45 system-ui, sans-serif",
    });
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-labelledby", "invest-guide-problems-title");
    overlay.lang = "en";
    overlay.dir = "ltr";
    const errors = problems.filter((p) => p.severity === "error").length;
    const title = el("h2", `Build failed: ${errors} error(s). This page shows the last good version.`,
      { margin: "0 0 .25rem", paddingRight: "5rem", fontSize: "1.1rem", color: "#b00020" });
    title.id = "invest-guide-problems-title";
    const note = el("p", "Fix the file and save: the page reloads by itself.", { margin: "0 0 .75rem" });
    const list = el("ol", "", { margin: "0", paddingLeft: "1.25rem" });
    for (const p of problems) {
      const item = el("li", "", { marginBottom: ".6rem" });
      item.append(el("code", where(p), { fontWeight: "bold", wordBreak: "break-all" }), " ");
      item.append(el("span", `${p.severity}: ${p.message}`));
      if (p.hint) item.append(el("div", `Hint: ${p.hint}`, { color: "#444" }));
      list.append(item);
    }
    const hide = el("button", "Hide", {
      position: "absolute", top: ".75rem", right: "1rem", font: "inherit", padding: ".2rem .8rem",
    });
    hide.type = "button";
    hide.addEventListener("click", () => { overlay.remove(); overlay = null; });
    overlay.append(title, note, list, hide);
    document.body.append(overlay);
  }
})();

// Keyboard: n / p follow the page's next / previous link, s the run summary, g the gold-calls or transcript section.
document.addEventListener("keydown", function (event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  var selectors = { n: "a[rel=next]", p: "a[rel=prev]", s: "a[accesskey=s]" };
  var link = selectors[event.key] && document.querySelector(selectors[event.key]);
  if (link) { event.preventDefault(); link.click(); return; }
  if (event.key === "g") {
    var section = document.querySelector("[data-ef-jump]");
    if (section) { event.preventDefault(); section.focus(); section.scrollIntoView(); }
  }
});

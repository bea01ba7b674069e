// Progressive enhancement only: every page reads fine without it.
// Shows times in the reader's own zone and says so in the footer, with a
// button to go back to the site's zone (the choice is remembered).
(function () {
  "use strict";
  var times = document.querySelectorAll("time[data-local]");
  var note = document.querySelector("[data-tz]");
  if (!times.length || !note || !window.Intl) return;
  var f, zone;
  try {
    f = new Intl.DateTimeFormat(undefined, {
      weekday: "short", day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
    zone = f.resolvedOptions().timeZone || "";
  } catch (e) {
    return; // an old browser: keep the site's times
  }
  var site = note.getAttribute("data-tz");
  var siteText = note.textContent;
  var key = "baton-times";
  var stored = null;
  try { stored = window.localStorage.getItem(key); } catch (e) { /* file:// or disabled */ }
  var local = stored !== "site";
  for (var i = 0; i < times.length; i++) {
    var t = times[i], d = new Date(t.getAttribute("datetime"));
    t.setAttribute("data-site", t.textContent);
    if (!isNaN(d)) t.setAttribute("data-reader", f.format(d));
  }
  var button = document.createElement("button");
  button.type = "button";
  note.parentNode.appendChild(document.createTextNode(" "));
  note.parentNode.appendChild(button);
  function show() {
    for (var i = 0; i < times.length; i++) {
      var t = times[i], r = t.getAttribute("data-reader");
      if (!r) continue;
      t.textContent = local ? r : t.getAttribute("data-site");
      t.title = local ? t.getAttribute("data-site") : r;
    }
    note.textContent = local ? "your time zone" + (zone ? ", " + zone : "") : siteText;
    button.textContent = local ? "Show times in " + site : "Show times in your time zone";
  }
  button.addEventListener("click", function () {
    local = !local;
    try { window.localStorage.setItem(key, local ? "local" : "site"); } catch (e) { /* not kept */ }
    show();
  });
  show();
})();

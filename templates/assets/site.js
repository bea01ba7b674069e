// Progressive enhancement only: every page reads fine without it.
// Shows times in the reader's own zone, keeping the site's zone in the tooltip.
(function () {
  if (!window.Intl) return;
  var f;
  try {
    f = new Intl.DateTimeFormat(undefined, {
      weekday: "short", day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"
    });
  } catch (e) {
    return; // an old browser: keep the site's times
  }
  var times = document.querySelectorAll("time[data-local]");
  for (var i = 0; i < times.length; i++) {
    var t = times[i], d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) continue;
    t.title = t.textContent;
    t.textContent = f.format(d);
  }
})();

/* Lobby screen: rotate slides, keep the clock, honour time windows and the night standby,
   drift against burn-in, and pick up a republished page only once it is known to load.
   Everything is guarded: an error in one step never stops the rotation. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("kiosk-config").textContent);
  var WEEKDAYS = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var current = null;
  var pending = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function isoDay(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function hhmm(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function cnDay(iso) {
    var p = iso.split("-"), d = new Date(+p[0], +p[1] - 1, +p[2]);
    return +p[0] + "年" + +p[1] + "月" + +p[2] + "日（" + WEEKDAYS[d.getDay()] + "）";
  }
  function safely(step) { try { step(); } catch (e) { /* keep showing what we have */ } }

  // Items with data-from / data-until (inclusive days) appear and disappear on time.
  function inWindow(el, day) {
    var from = el.getAttribute("data-from"), until = el.getAttribute("data-until");
    return (!from || from <= day) && (!until || day <= until);
  }

  function eligible(now) {
    var day = isoDay(now), time = hhmm(now), chosen = [], reception = null;
    slides.forEach(function (s) {
      var kind = s.getAttribute("data-kind");
      if (kind === "reception") {
        var date = s.getAttribute("data-date"), end = s.getAttribute("data-end");
        var upcoming = date > day || (date === day && time <= end);
        s.classList.toggle("today", date === day);
        if (upcoming && !reception) { reception = s; }
        return;
      }
      if (kind === "rule-reception") { return; }
      var items = s.querySelectorAll("[data-from],[data-until]");
      var visible = 0;
      Array.prototype.forEach.call(items, function (el) {
        var show = inWindow(el, day);
        el.hidden = !show;
        if (show) { visible += 1; }
      });
      if (s.getAttribute("data-needs-items") && !visible) { return; }
      if (inWindow(s, day)) { chosen.push(s); }
    });
    if (!reception) { reception = ruleReception(day, time); }
    if (reception) {
      if (reception.classList.contains("today")) { chosen.unshift(reception); } else { chosen.splice(1, 0, reception); }
    }
    return chosen;
  }

  function ruleReception(day, time) {
    var s = document.querySelector('.slide[data-kind="rule-reception"]');
    if (!s) { return null; }
    var end = s.getAttribute("data-end");
    var next = (s.getAttribute("data-dates") || "").split(",").filter(function (d) {
      return d && (d > day || (d === day && time <= end));
    })[0];
    if (!next) { return null; }
    s.querySelector(".rule-date").textContent = cnDay(next);
    return s;
  }

  function show(slide) {
    slides.forEach(function (s) { s.classList.toggle("active", s === slide); });
    current = slide;
    safely(function () { fit(slide); });
  }

  // The layout (kiosk.css) fixes every size and place; here only the number of lines of each .clamp
  // is chosen: while the slide or a .fit box in it overflows, the clamp showing the most lines (the
  // lowest on a tie) gives one up. A slide marked data-crowded first trades its photos for names.
  function fit(slide) {
    var clamps = slide.querySelectorAll(".clamp");
    function reset() { Array.prototype.forEach.call(clamps, function (el) { el.style.removeProperty("--lines"); }); }
    function squeeze(box) {
      var inside = box.querySelectorAll(".clamp");
      for (var guard = 0; overflows(box) && guard < 200; guard += 1) {
        var most = null, lines = 1;
        Array.prototype.forEach.call(inside, function (el) {
          var n = shownLines(el);
          if (n >= lines && n > 1) { most = el; lines = n; }
        });
        if (!most) { return false; }
        most.style.setProperty("--lines", String(lines - 1));
      }
      return !overflows(box);
    }
    function squeezeAll() {
      var fits = squeeze(slide);
      Array.prototype.forEach.call(slide.querySelectorAll(".fit"), function (box) { fits = squeeze(box) && fits; });
      return fits;
    }
    slide.classList.remove("crowded");
    reset();
    if (squeezeAll() || !slide.hasAttribute("data-crowded")) { return; }
    slide.classList.add("crowded");
    reset();
    squeezeAll();
  }
  function overflows(box) { return box.scrollHeight > box.clientHeight + 1; }
  function shownLines(el) {
    return el.getClientRects().length ? Math.round(el.clientHeight / parseFloat(getComputedStyle(el).lineHeight)) : 0;
  }

  function advance() {
    var list = eligible(new Date());
    if (!list.length) { return; }
    var index = list.indexOf(current);
    show(list[(index + 1) % list.length]);
  }

  function tick() {
    var now = new Date();
    var date = now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日 " + WEEKDAYS[now.getDay()];
    var time = hhmm(now);
    document.getElementById("clock-date").textContent = date;
    document.getElementById("clock-time").textContent = time;
    document.getElementById("standby-date").textContent = date;
    document.getElementById("standby-time").textContent = time;
    document.body.classList.toggle("standby", resting(time));
  }

  function resting(time) {
    var from = cfg.standbyFrom, until = cfg.standbyUntil;
    if (!from || !until || from === until) { return false; }
    return from < until ? (time >= from && time < until) : (time >= from || time < until);
  }

  var DRIFT = [[0, 0], [6, 4], [-5, 7], [-7, -3], [4, -6], [8, 2]];
  var drift = 0;
  function shift() {
    drift = (drift + 1) % DRIFT.length;
    var d = DRIFT[drift], t = "translate(" + d[0] + "px," + d[1] + "px)";
    document.getElementById("stage").style.transform = t;
    document.getElementById("standby").style.transform = "translate(" + d[0] * 8 + "px," + d[1] * 8 + "px)";
  }

  // A republished page is fetched first; only if it loads and carries the new version is it shown.
  function poll() {
    if (pending || !window.fetch || location.protocol === "file:") { return; }
    pending = true;
    fetch("version.json?t=" + Date.now(), { cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (v) {
        if (!v || !v.version || v.version === cfg.version) { return null; }
        return fetch("index.html?v=" + encodeURIComponent(v.version), { cache: "no-store" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) {
            if (html.indexOf('"version": "' + v.version + '"') !== -1) {
              location.replace("index.html?v=" + encodeURIComponent(v.version));
            }
          });
      })
      .catch(function () { /* unreachable: keep showing what we have */ })
      .then(function () { pending = false; });
  }

  window.__kiosk = { slides: slides, eligible: eligible, show: show, advance: advance, version: cfg.version };
  safely(tick);
  safely(advance);
  window.addEventListener("resize", function () { if (current) { show(current); } });
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(function () { if (current) { show(current); } }); }
  setInterval(function () { safely(tick); }, 1000);
  setInterval(function () { safely(advance); }, cfg.slideSeconds * 1000);
  setInterval(function () { safely(shift); }, 60 * 1000);
  setInterval(function () { safely(poll); }, cfg.pollSeconds * 1000);
})();

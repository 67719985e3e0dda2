/* The search page: finds deputies, stations and notices in the index that search/entries.js assigns to
   window.LIAISON_SEARCH (liaison/render/web/search.py writes it and names the fields of each row).

   A query is split at spaces; every part must occur in an entry: in its name (any part of it: 德明 finds 张德明),
   the name's pinyin or initials (zhangdeming, zdm), a village, community or street it serves (a deputy's
   constituency, their stations' places and addresses), a unit or a notice's title. Names that match best come
   first. When nothing contains the whole query, entries sharing most of its two-character runs are offered.
   Works from file:// (no fetch), and search/?q=… opens with the query and its results.

   A split index (a province: index.regions, see search.py) holds only the regions and what belongs to none; the
   reader picks a region (or the query names one, or search/?r=<region> does) and its file, search/region-<id>.js,
   is loaded by a script element and adds its part to window.LIAISON_SEARCH_PARTS. */
(function () {
  'use strict';
  var index = window.LIAISON_SEARCH;
  var form = document.getElementById('search-form');
  var input = document.getElementById('search-q');
  var out = document.getElementById('search-results');
  var status = document.getElementById('search-status'); // role=status: the count is read out, not the list
  if (!index || index.format !== 1 || !form || !input || !out || !status) return;

  var SHOWN = 50; // results listed at most; the count says how many more there are
  var KIND_LABEL = { deputy: '代表', station: '联络站', notice: '公告' };

  function fields(kind) {
    var at = {};
    index.fields[kind].forEach(function (name, i) { at[name] = i; });
    return at;
  }
  var S = fields('stations'), D = fields('deputies'), N = fields('notices');

  function norm(text) { return String(text || '').toLowerCase().replace(/\s+/g, ''); }

  // The entries of one part (the whole index, its root or a region's file), with what a query is matched
  // against (built once per part); a row's stations are positions in its part's station rows.
  function partEntries(part) {
    var found = [];
    part.stations.forEach(function (row) {
      found.push({
        kind: 'station', row: row, part: part, name: norm(row[S.short_name]) + '\u0001' + norm(row[S.name]),
        pinyin: row[S.pinyin], initials: row[S.initials],
        hay: norm([row[S.name], row[S.short_name], row[S.locality], row[S.address], row[S.kind], row[S.pinyin],
                   row[S.initials]].join('\u0001'))
      });
    });
    part.deputies.forEach(function (row) {
      var served = row[D.stations].map(function (at) {
        var s = part.stations[at];
        return [s[S.name], s[S.locality], s[S.address], s[S.pinyin]].join('\u0001');
      });
      found.push({
        kind: 'deputy', row: row, part: part, name: norm(row[D.name]), pinyin: row[D.pinyin],
        initials: row[D.initials],
        hay: norm([row[D.name], row[D.pinyin], row[D.initials], row[D.unit], row[D.position]]
          .concat(row[D.constituencies], served).join('\u0001'))
      });
    });
    part.notices.forEach(function (row) {
      found.push({ kind: 'notice', row: row, part: part, name: norm(row[N.title]), pinyin: '', initials: '',
                   hay: norm(row[N.title]) });
    });
    return found;
  }
  var root = partEntries(index), entries = root;
  var ORDER = { deputy: 0, station: 1, notice: 2 };

  // How well one part of the query names the entry (0: it occurs elsewhere in the entry).
  function nameScore(entry, term) {
    if (entry.name === term) return 100;
    if (entry.initials === term) return 90;
    if (entry.name.indexOf(term) === 0 || entry.pinyin.indexOf(term) === 0) return 60;
    if (entry.initials.indexOf(term) === 0) return 50;
    if (entry.name.indexOf(term) >= 0) return 40;
    if (entry.pinyin.indexOf(term) >= 0) return 20;
    return 0;
  }

  function exact(terms) {
    var found = [];
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i], score = 1;
      for (var t = 0; t < terms.length && score; t++) {
        score = entry.hay.indexOf(terms[t]) >= 0 ? score + nameScore(entry, terms[t]) : 0;
      }
      if (score) found.push({ entry: entry, score: score, at: i });
    }
    return found;
  }

  // Two-character runs of the query shared with an entry, at least half of them (溪口村的张德明).
  function near(query) {
    var grams = [];
    for (var i = 0; i + 1 < query.length; i++) {
      if (grams.indexOf(query.substr(i, 2)) < 0) grams.push(query.substr(i, 2));
    }
    var needed = Math.max(2, Math.ceil(grams.length / 2)), found = [];
    if (grams.length < 2) return found;
    entries.forEach(function (entry, at) {
      var shared = 0;
      grams.forEach(function (gram) { if (entry.hay.indexOf(gram) >= 0) shared++; });
      if (shared >= needed) found.push({ entry: entry, score: shared, at: at });
    });
    return found;
  }

  function search(query) {
    var terms = String(query).toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return { results: [], near: false };
    var found = exact(terms), approximate = false;
    if (!found.length) { found = near(terms.join('')); approximate = true; }
    found.sort(function (a, b) {
      return b.score - a.score || ORDER[a.entry.kind] - ORDER[b.entry.kind] || a.at - b.at;
    });
    return { results: found.map(function (f) { return f.entry; }), near: approximate };
  }

  // ---- showing results ----

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) {
    var a = el('a', '', text);
    a.href = href;
    return a;
  }

  function stationLinks(positions, part) {
    var p = el('p', 'result-stations');
    if (!positions.length) { p.textContent = '目前未编入联络站'; return p; }
    p.appendChild(document.createTextNode('所在联络站：'));
    positions.forEach(function (at, i) {
      var s = part.stations[at];
      if (i) p.appendChild(document.createTextNode('、'));
      p.appendChild(link(s[S.url], s[S.short_name]));
    });
    return p;
  }

  function deputyItem(row, part) {
    var li = el('li', 'result deputy-result');
    if (row[D.photo]) {
      var img = el('img', 'portrait small');
      img.src = row[D.photo]; img.alt = row[D.name] + '代表照片'; img.width = 72; img.height = 96;
      img.loading = 'lazy';
      li.appendChild(img);
    } else {
      var none = el('span', 'portrait placeholder small', row[D.name].charAt(0));
      none.setAttribute('role', 'img'); none.setAttribute('aria-label', row[D.name] + '（暂无照片）');
      li.appendChild(none);
    }
    var body = el('div');
    var title = el('h3');
    title.appendChild(link(row[D.url], row[D.name]));
    title.appendChild(document.createTextNode(' '));
    title.appendChild(el('span', 'tag', row[D.levels].map(function (l) { return index.levels[l]; }).join('、') + '人大代表'));
    body.appendChild(title);
    body.appendChild(stationLinks(row[D.stations], part));
    body.appendChild(el('p', 'muted', [row[D.unit], row[D.position]].join(' ')));
    if (row[D.constituencies].length) body.appendChild(el('p', 'muted', '选区：' + row[D.constituencies].join('、')));
    li.appendChild(body);
    return li;
  }

  function stationItem(row) {
    var li = el('li', 'result station-result');
    var title = el('h3');
    title.appendChild(link(row[S.url], row[S.name]));
    title.appendChild(document.createTextNode(' '));
    title.appendChild(el('span', 'tag', row[S.tier] + '级' + row[S.kind]));
    li.appendChild(title);
    li.appendChild(el('p', 'muted', row[S.address]));
    return li;
  }

  function noticeItem(row, part) {
    var li = el('li', 'result notice-result');
    var title = el('h3');
    title.appendChild(link(row[N.url], row[N.title]));
    title.appendChild(document.createTextNode(' '));
    title.appendChild(el('span', 'tag', '公告'));
    li.appendChild(title);
    var where = row[N.station] >= 0 ? part.stations[row[N.station]][S.short_name] + ' · ' : '';
    li.appendChild(el('p', 'muted', where + row[N.date]));
    return li;
  }

  var ITEM = { deputy: deputyItem, station: stationItem, notice: noticeItem };
  var all = document.getElementById('search-all');

  // ---- regions (a split index) ----

  var regions = index.regions || null, R = regions ? fields('regions') : null, choice = null, region = '';
  var parts = window.LIAISON_SEARCH_PARTS = window.LIAISON_SEARCH_PARTS || {};

  function regionRow(id) {
    return regions.filter(function (row) { return row[R.id] === id; })[0] || null;
  }

  // The region a query names (溪口村 does not, 青石镇 or qingshizhen does): the longest name found in it.
  function namedRegion(query) {
    var q = norm(query), best = null;
    regions.forEach(function (row) {
      var name = norm(row[R.name]);
      if ((q.indexOf(name) >= 0 || q === row[R.pinyin]) && (!best || name.length > norm(best[R.name]).length)) best = row;
    });
    return best;
  }

  // Load a region's file (once) by a script element, then search it with the root's entries.
  function useRegion(id, then) {
    var row = id ? regionRow(id) : null;
    region = row ? id : '';
    if (choice) choice.value = region;
    if (!row) { entries = root; then(); return; }
    if (parts[id]) { entries = root.concat(parts[id].entries || (parts[id].entries = partEntries(parts[id]))); then(); return; }
    status.textContent = '正在载入' + row[R.name] + '的代表和联络站……';
    var script = document.createElement('script');
    script.src = row[R.url];
    script.onload = function () { if (region === id && parts[id]) useRegion(id, then); };
    script.onerror = function () { status.textContent = '无法载入' + row[R.name] + '的数据，请稍后再试。'; };
    document.head.appendChild(script);
  }

  function regionChoice() {
    var p = el('p', 'search-region');
    var label = el('label', '', '先选择乡镇（街道）');
    label.htmlFor = 'search-region';
    choice = el('select');
    choice.id = 'search-region';
    choice.appendChild(new Option('请选择', ''));
    regions.forEach(function (row) { choice.appendChild(new Option(row[R.name], row[R.id])); });
    p.appendChild(label); p.appendChild(choice);
    form.insertBefore(p, form.firstChild);
    choice.addEventListener('change', function () {
      useRegion(choice.value, function () { show(input.value); remember(input.value.trim()); });
    });
  }

  function show(query) {
    var q = String(query).trim();
    out.textContent = '';
    status.textContent = '';
    if (all) all.hidden = !!q;
    if (!q) return;
    if (regions && !region) {
      var named = namedRegion(q);
      if (named) { useRegion(named[R.id], function () { show(input.value); }); return; }
    }
    var found = search(q), results = found.results;
    var counts = {};
    results.forEach(function (e) { counts[e.kind] = (counts[e.kind] || 0) + 1; });
    var summary = ['deputy', 'station', 'notice'].filter(function (k) { return counts[k]; })
      .map(function (k) { return KIND_LABEL[k] + ' ' + counts[k] + ' 条'; }).join('，');
    var where = regions && !region ? '请先选择乡镇（街道）。' : '';
    if (!results.length) status.textContent = where + '没有找到“' + q + '”。可以只输入姓名中的两个字、拼音首字母，或村（社区）、街道的名称。';
    else status.textContent = (found.near ? '没有完全符合“' + q + '”的结果，以下是相近的：' : '找到“' + q + '”：') + summary +
      (results.length > SHOWN ? '（只列出前 ' + SHOWN + ' 条，请输入更多的字缩小范围）' : '') + (where ? '。' + where : '');
    var list = el('ul', 'results');
    results.slice(0, SHOWN).forEach(function (entry) { list.appendChild(ITEM[entry.kind](entry.row, entry.part)); });
    out.appendChild(list);
  }

  function remember(query) {
    try { // the address can be copied into a message; file:// may refuse it, which changes nothing else
      var args = (region ? ['r=' + encodeURIComponent(region)] : []).concat(query ? ['q=' + encodeURIComponent(query)] : []);
      history.replaceState(null, '', args.length ? '?' + args.join('&') : location.pathname);
    } catch (e) { /* keep the address as it is */ }
  }

  // Arrow keys move from the box through the result links and back; Escape clears the box.
  function resultLinks() { return Array.prototype.slice.call(out.querySelectorAll('h3 a')); }

  input.addEventListener('input', function () { show(input.value); remember(input.value.trim()); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    show(input.value); remember(input.value.trim());
    var first = resultLinks()[0];
    if (first) first.focus();
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown' && resultLinks().length) { event.preventDefault(); resultLinks()[0].focus(); }
    if (event.key === 'Escape') { input.value = ''; show(''); remember(''); }
  });
  out.addEventListener('keydown', function (event) {
    var links = resultLinks(), at = links.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === 'ArrowDown' && at + 1 < links.length) { event.preventDefault(); links[at + 1].focus(); }
    if (event.key === 'ArrowUp') { event.preventDefault(); (at ? links[at - 1] : input).focus(); }
  });

  window.__search = search; // for the benchmark and tests: the query alone, without drawing
  form.hidden = false;
  var params = new URLSearchParams(location.search), start = params.get('q');
  if (regions) regionChoice();
  useRegion(regions ? params.get('r') || '' : '', function () {
    if (start) { input.value = start; show(start); }
  });
})();

// clawtrail report page. Every value from the evidence is written with textContent or setAttribute, never as HTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SVGNS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#c0392b', '#d68910', '#8e44ad', '#2e86c1', '#16a085', '#7f8c8d', '#2c3e50', '#e67e22', '#27ae60', '#95a5a6'];
  var brush = null; // [fromMs, toMs] or null
  var view = data.timeline_focus || data.timeline; // the timeline shown: around the top finding, or the whole case

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) {
      if (k === 'text') e.textContent = String(attrs[k]); else if (k === 'cls') e.className = attrs[k]; else e.setAttribute(k, String(attrs[k]));
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) e.appendChild(arguments[i]);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (k === 'text') e.textContent = String(attrs[k]); else e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function ms(t) { return t ? Date.parse(t) : NaN; }
  function fmt(t) { return t ? String(t).replace('T', ' ').replace('Z', ' UTC') : '—'; }
  function overlaps(from, to) {
    if (!brush) return true;
    var a = ms(from), b = ms(to || from);
    if (isNaN(a)) return true;
    if (isNaN(b)) b = a;
    return a <= brush[1] && b >= brush[0];
  }
  function citeLabel(c) {
    if (c.sha) return c.sha.slice(0, 12) + (c.original_sha ? ' (' + c.original_sha.slice(0, 12) + ' in the collected repository)' : '') + (c.path ? ' ' + c.path : '');
    return (c.path || ('source ' + c.source_id)) + (c.line ? ':' + c.line : '');
  }
  function showLines(cites, title) {
    var pre = document.getElementById('raw-lines');
    var out = [];
    cites.forEach(function (c) {
      var head = citeLabel(c) + (c.note ? '  (' + c.note + ')' : '');
      var key = c.path && c.line ? c.path + ':' + c.line : null;
      var text = key && Object.prototype.hasOwnProperty.call(data.lines, key) ? data.lines[key]
        : c.sha ? '(commit ' + c.sha + (c.original_sha ? ', ' + c.original_sha + ' in the collected repository' : '') + (c.path ? ', file ' + c.path : '') + ')' : '(line not embedded)';
      out.push('# ' + head + '\n' + text);
    });
    document.getElementById('raw-title').textContent = title || 'Evidence lines';
    pre.textContent = out.join('\n\n') || '(no evidence lines)';
    pre.setAttribute('data-count', String(cites.length));
  }
  function citeButtons(cites) {
    var ul = el('ul', { cls: 'cites' });
    (cites || []).slice(0, 14).forEach(function (c) {
      var b = el('button', { cls: 'cite', type: 'button', text: citeLabel(c), title: c.note || '' });
      b.addEventListener('click', function () { showLines([c], citeLabel(c)); });
      ul.appendChild(el('li', null, b));
    });
    return ul;
  }
  function badge(sev) { return el('span', { cls: 'badge sev-' + sev, text: sev }); }

  function renderVerdict() {
    var s = document.getElementById('verdict');
    s.className = 'verdict-' + data.verdict.status;
    s.appendChild(el('h2', { text: 'Verdict' }));
    s.appendChild(el('div', { cls: 'headline', text: data.verdict.headline }));
    if (data.verdict.causes.length) {
      var ol = el('ol');
      data.verdict.causes.forEach(function (f) {
        ol.appendChild(el('li', null, badge(f.severity), el('span', { text: ' ' + f.statement + ' ' }),
          el('span', { cls: 'meta', text: 'confidence ' + (f.confidence === null ? '?' : Math.round(f.confidence * 100) + '%') + ' · ' + f.query_id }),
          citeButtons(f.evidence)));
      });
      s.appendChild(el('h2', { text: 'Probable causes, ranked' }));
      s.appendChild(ol);
    }
    if (data.partial) s.appendChild(el('p', { cls: 'meta', text: 'Partial evidence: some inputs were not fully read (see Coverage).' }));
  }

  function renderFindings() {
    var s = document.getElementById('findings');
    s.appendChild(el('h2', { text: 'Findings (' + data.findings.length + (data.omitted.findings ? ', ' + data.omitted.findings + ' more not embedded' : '') + ')' }));
    data.findings.forEach(function (f) {
      var d = el('div', { cls: 'finding', 'data-start': f.start || '', 'data-end': f.end || '', 'data-id': f.id },
        el('div', null, badge(f.severity), el('span', { text: ' ' + f.statement })),
        el('div', { cls: 'meta', text: '#' + f.rank + ' · ' + f.query_id + ' · ' + fmt(f.start) + (f.end ? ' → ' + fmt(f.end) : '') +
          ' · confidence ' + (f.confidence === null ? '?' : Math.round(f.confidence * 100) + '%') }),
        citeButtons(f.evidence));
      s.appendChild(d);
    });
  }

  function renderTimeline() {
    var t = view, root = document.getElementById('tl');
    while (root.firstChild) root.removeChild(root.firstChild);
    var legendBox = document.getElementById('legend');
    while (legendBox.firstChild) legendBox.removeChild(legendBox.firstChild);
    var switcher = document.getElementById('view-switch');
    while (switcher.firstChild) switcher.removeChild(switcher.firstChild);
    if (data.timeline_focus) {
      [['Around the top finding', data.timeline_focus], ['Whole case', data.timeline]].forEach(function (v) {
        var b = el('button', { cls: 'cite', type: 'button', text: v[0] + (v[1] === view ? ' ✓' : ''), 'data-view': v[1] === data.timeline ? 'whole' : 'focus' });
        b.addEventListener('click', function () { view = v[1]; renderTimeline(); setBrush(null); });
        switcher.appendChild(b);
      });
    }
    if (!t.buckets) { root.parentNode.appendChild(el('p', { cls: 'meta', text: 'No timed evidence.' })); return; }
    var W = 1000, L = 150, R = 10, laneH = 46, gap = 8, x0 = ms(t.from), span = t.bucket_s * 1000 * t.buckets;
    var H = 20 + t.lanes.length * (laneH + gap);
    root.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var X = function (m) { return L + (m - x0) / span * (W - L - R); };
    var legend = document.getElementById('legend');
    var colorOf = {}, ci = 0;
    function color(name) { if (!colorOf[name]) { colorOf[name] = COLORS[ci++ % COLORS.length]; legend.appendChild(el('span', null, el('i', { style: 'background:' + colorOf[name] }), document.createTextNode(name))); } return colorOf[name]; }
    for (var k = 0; k <= 6; k++) {
      var m = x0 + span * k / 6;
      root.appendChild(svg('text', { x: X(m), y: 12, 'text-anchor': k === 0 ? 'start' : k === 6 ? 'end' : 'middle', text: new Date(m).toISOString().slice(5, 16).replace('T', ' ') }));
    }
    t.lanes.forEach(function (lane, li) {
      var y = 20 + li * (laneH + gap);
      root.appendChild(svg('rect', { x: L, y: y, width: W - L - R, height: laneH, fill: '#f4f6f8' }));
      root.appendChild(svg('text', { x: 4, y: y + laneH / 2 + 3, text: lane.label }));
      if (lane.series && lane.series.length) {
        var totals = new Array(t.buckets).fill(0);
        lane.series.forEach(function (s) { s.counts.forEach(function (c, i) { totals[i] += c; }); });
        var max = Math.max.apply(null, totals.concat([1]));
        var bw = (W - L - R) / t.buckets;
        var base = new Array(t.buckets).fill(0);
        lane.series.forEach(function (s) {
          s.counts.forEach(function (c, i) {
            if (!c) return;
            var h = c / max * (laneH - 4), yy = y + laneH - base[i] - h;
            var r = svg('rect', { x: L + i * bw, y: yy, width: Math.max(bw - 0.5, 0.8), height: h, fill: color(s.name), 'class': 'bucket', 'data-lane': lane.id, 'data-bucket': i });
            r.appendChild(svg('title', { text: s.name + ': ' + c + ' at ' + new Date(x0 + i * t.bucket_s * 1000).toISOString() }));
            r.addEventListener('click', function (ev) { ev.stopPropagation(); clickBucket(lane.id, i); });
            root.appendChild(r);
            base[i] += h;
          });
        });
      }
      (lane.intervals || []).forEach(function (iv) {
        var a = X(ms(iv.from)), b = X(iv.to ? ms(iv.to) : x0 + span);
        var r = svg('rect', { x: Math.max(L, a), y: y + 6, width: Math.max(2, Math.min(W - R, b) - Math.max(L, a)), height: laneH - 12, fill: iv.kind === 'generation' ? '#aab7c4' : (getComputedStyle(document.documentElement).getPropertyValue('--' + iv.kind) || '#999').trim(), opacity: 0.75, 'class': 'interval' });
        r.appendChild(svg('title', { text: iv.label + ' (' + fmt(iv.from) + ' → ' + fmt(iv.to) + ')' }));
        root.appendChild(r);
      });
      (lane.points || []).forEach(function (p) {
        var x = X(ms(p.t));
        if (x < L || x > W - R) return;
        var l = svg('line', { x1: x, x2: x, y1: y + 2, y2: y + laneH - 2, stroke: p.kind === 'commit' ? '#8e44ad' : p.kind === 'token' ? '#c0392b' : '#2c3e50', 'stroke-width': 2, 'class': 'point' });
        l.appendChild(svg('title', { text: fmt(p.t) + ' ' + p.label }));
        if (p.cite) l.addEventListener('click', function (ev) { ev.stopPropagation(); showLines([p.cite], p.label); });
        root.appendChild(l);
      });
    });
    // brush: drag across the chart to select a time range; double-click clears it (listeners attached once)
    root.appendChild(svg('rect', { x: 0, y: 16, width: 0, height: H - 16, fill: 'rgba(46,134,193,0.15)', stroke: '#2e86c1', 'pointer-events': 'none', id: 'brush-rect' }));
    geom = { W: W, L: L, R: R, x0: x0, span: span };
    if (!root.getAttribute('data-brush')) attachBrush(root);
  }

  var geom = null;
  function attachBrush(root) {
    root.setAttribute('data-brush', 'on');
    var startX = null;
    function sel() { return document.getElementById('brush-rect'); }
    function toX(ev) { var r = root.getBoundingClientRect(); return (ev.clientX - r.left) / r.width * geom.W; }
    function toMs(x) { return geom.x0 + (Math.min(Math.max(x, geom.L), geom.W - geom.R) - geom.L) / (geom.W - geom.L - geom.R) * geom.span; }
    root.addEventListener('mousedown', function (ev) { startX = toX(ev); sel().setAttribute('x', startX); sel().setAttribute('width', 0); });
    root.addEventListener('mousemove', function (ev) { if (startX === null) return; var x = toX(ev); sel().setAttribute('x', Math.min(x, startX)); sel().setAttribute('width', Math.abs(x - startX)); });
    root.addEventListener('mouseup', function (ev) {
      if (startX === null) return;
      var x = toX(ev), a = Math.min(x, startX), b = Math.max(x, startX);
      startX = null;
      if (b - a < 3) return;
      setBrush([toMs(a), toMs(b)]);
    });
    root.addEventListener('dblclick', function () { sel().setAttribute('width', 0); setBrush(null); });
  }

  function clickBucket(lane, i) {
    var t = view, from = ms(t.from) + i * t.bucket_s * 1000;
    showLines(t.samples[lane + ':' + i] || [], lane + ' at ' + new Date(from).toISOString() + ' (' + t.bucket_s + ' s bucket)');
  }

  function setBrush(b) {
    brush = b;
    document.getElementById('brush-info').textContent = b ? 'Selected ' + new Date(b[0]).toISOString() + ' → ' + new Date(b[1]).toISOString() + ' (double-click the timeline to clear)' : 'Drag across the timeline to filter every section by time.';
    Array.prototype.forEach.call(document.querySelectorAll('[data-start]'), function (n) {
      var s = n.getAttribute('data-start'), e = n.getAttribute('data-end');
      n.classList.toggle('hidden', !!s && !overlaps(s, e || s));
    });
    var shown = document.querySelectorAll('#findings .finding:not(.hidden)').length;
    document.getElementById('findings').setAttribute('data-visible', String(shown));
  }

  function table(head, rows) {
    var t = el('table'), tr = el('tr');
    head.forEach(function (h) { tr.appendChild(el('th', { text: h })); });
    t.appendChild(el('thead', null, tr));
    var tb = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr', r.attrs || null);
      r.cells.forEach(function (c) { row.appendChild(el('td', { text: c.v === null || c.v === undefined ? '' : c.v, cls: c.cls || '' })); });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }

  function renderMoments() {
    var ul = document.getElementById('moments');
    var pts = [];
    data.timeline.lanes.forEach(function (l) { (l.points || []).forEach(function (p) { pts.push(p); }); });
    pts.sort(function (a, b) { return ms(a.t) - ms(b.t); });
    pts.slice(0, 400).forEach(function (p) {
      var li = el('li', { 'data-start': p.t }, el('span', { cls: 'mono', text: fmt(p.t) + ' ' }), el('span', { text: p.label }));
      if (p.cite) li.addEventListener('click', function () { showLines([p.cite], p.label); });
      ul.appendChild(li);
    });
  }

  function renderCoverage() {
    var s = document.getElementById('coverage');
    s.appendChild(el('h2', { text: 'Evidence coverage' }));
    s.appendChild(table(['source', 'kind', 'format', 'lines', 'parsed', 'rejected', 'first', 'last', 'zone', 'status', 'note'], data.sources.map(function (r) {
      return { attrs: r.first_ts ? { 'data-start': r.first_ts, 'data-end': r.last_ts || r.first_ts } : null,
        cells: [{ v: r.path, cls: 'mono' }, { v: r.kind }, { v: r.format }, { v: r.total_lines, cls: 'num' }, { v: r.parsed_lines, cls: 'num' }, { v: r.rejected_lines, cls: 'num' },
          { v: fmt(r.first_ts) }, { v: fmt(r.last_ts) }, { v: r.tz }, { v: r.status }, { v: r.note }] };
    })));
    s.appendChild(el('h2', { text: 'Rejected lines (' + data.rejects.total + (data.rejects.total > data.rejects.shown.length ? ', first ' + data.rejects.shown.length + ' shown' : '') + ')' }));
    if (data.rejects.shown.length) s.appendChild(table(['file:line', 'reason', 'raw (escaped)'], data.rejects.shown.map(function (r) {
      return { cells: [{ v: r.path + ':' + r.line, cls: 'mono' }, { v: r.reason }, { v: r.raw, cls: 'mono' }] };
    })));
    else s.appendChild(el('p', { cls: 'meta', text: 'Every line of every source was parsed.' }));
  }

  function renderBudget() {
    var s = document.getElementById('budget');
    s.appendChild(el('h2', { text: 'Engineer-hours budget' }));
    if (!data.budget.length) { s.appendChild(el('p', { cls: 'meta', text: 'No incident cluster in the evidence.' })); return; }
    s.appendChild(table(['start', 'end', 'duration h', 'engineer h', 'cost', 'lease months', 'overnight', 'cause'], data.budget.map(function (b) {
      return { attrs: { 'data-start': b.start || '', 'data-end': b.end || '' }, cells: [{ v: fmt(b.start) }, { v: fmt(b.end) }, { v: b.duration_h, cls: 'num' }, { v: b.engineer_hours, cls: 'num' },
        { v: b.cost, cls: 'num' }, { v: b.lease_months, cls: 'num' }, { v: String(b.overnight) }, { v: b.cause_query || '—' }] };
    })));
  }

  function renderProvenance() {
    var s = document.getElementById('provenance');
    s.appendChild(el('h2', { text: 'Provenance' }));
    s.appendChild(table(['item', 'value'], [
      { cells: [{ v: 'tool' }, { v: data.tool.name + ' ' + data.tool.version }] },
      { cells: [{ v: 'generated' }, { v: data.generated_at }] },
      { cells: [{ v: 'command line' }, { v: data.command_line, cls: 'mono' }] },
      { cells: [{ v: 'case database' }, { v: data.db, cls: 'mono' }] },
      { cells: [{ v: 'evidence span' }, { v: fmt(data.span.from) + ' → ' + fmt(data.span.to) }] },
      { cells: [{ v: 'time zones assumed' }, { v: data.sources.filter(function (x) { return x.tz && x.tz.indexOf('stated') < 0 && x.tz !== 'none'; }).map(function (x) { return x.path + ' (' + x.tz + ')'; }).join('; ') || 'none' }] },
      { cells: [{ v: 'embedded lines' }, { v: Object.keys(data.lines).length + (data.omitted.lines ? ' (' + data.omitted.lines + ' more not embedded)' : '') }] },
    ]));
    s.appendChild(el('h2', { text: 'Inputs (sha256)' }));
    s.appendChild(table(['source', 'sha256', 'bytes'], data.sources.map(function (r) { return { cells: [{ v: r.path, cls: 'mono' }, { v: r.sha256, cls: 'mono' }, { v: r.bytes, cls: 'num' }] }; })));
  }

  renderVerdict();
  renderTimeline();
  renderMoments();
  renderFindings();
  renderCoverage();
  renderBudget();
  renderProvenance();
  setBrush(null);
  document.documentElement.setAttribute('data-rendered', 'true');
})();

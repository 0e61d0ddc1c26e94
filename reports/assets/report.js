// clawtrail report page. Every value from the evidence is written with textContent or setAttribute, never as HTML.
// The first screen answers what happened, to whom, since when, why and what to do (the lead finding); every other
// finding is shown once below, several of one kind as one group.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SVGNS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#c0392b', '#d68910', '#8e44ad', '#2e86c1', '#16a085', '#7f8c8d', '#2c3e50', '#e67e22', '#27ae60', '#95a5a6'];
  var brush = null; // [fromMs, toMs] or null
  var view = data.timeline_focus || data.timeline; // the timeline shown: around the lead finding, or the whole case
  var byId = {};
  data.findings.forEach(function (f) { byId[f.id] = f; });
  var lead = data.verdict.lead ? byId[data.verdict.lead] : null;
  var labelOfPath = {};
  data.sources.forEach(function (s) { labelOfPath[s.path] = s.label; });

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) {
      if (k === 'text') e.textContent = String(attrs[k]); else if (k === 'cls') e.className = attrs[k]; else e.setAttribute(k, String(attrs[k]));
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) e.appendChild(typeof arguments[i] === 'string' ? document.createTextNode(arguments[i]) : arguments[i]);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (k === 'text') e.textContent = String(attrs[k]); else e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function ms(t) { return t ? Date.parse(t) : NaN; }
  function fmt(t) { return t ? String(t).replace('T', ' ').replace('Z', ' UTC') : '—'; }
  function dur(s) {
    if (s === null || s === undefined || isNaN(s)) return '—';
    var a = Math.abs(Math.round(s)), t = a < 60 ? a + ' s' : a < 3600 ? Math.round(a / 60) + ' min' : a < 86400 ? Math.floor(a / 3600) + ' h' + (a % 3600 >= 60 ? ' ' + Math.floor(a % 3600 / 60) + ' min' : '')
      : Math.floor(a / 86400) + ' d' + (a % 86400 >= 3600 ? ' ' + Math.floor(a % 86400 / 3600) + ' h' : '');
    return s < 0 ? '−' + t : t;
  }
  function pct(c) { return c === null || c === undefined ? '?' : Math.round(c * 100) + '%'; }
  function overlaps(from, to) {
    if (!brush) return true;
    var a = ms(from), b = ms(to || from);
    if (isNaN(a)) return true;
    if (isNaN(b)) b = a;
    return a <= brush[1] && b >= brush[0];
  }
  function ranges(rs) { return rs.map(function (r) { return r[0] === r[1] ? String(r[0]) : r[0] + '–' + r[1]; }).join(', '); }
  function citeLabel(c) {
    if (c.sha) return 'commit ' + c.sha.slice(0, 7) + (c.original_sha ? ' (' + c.original_sha.slice(0, 12) + ' in the collected repository)' : '') + (c.path ? ' ' + c.path : '');
    return (labelOfPath[c.path] || c.path || ('source ' + c.source_id)) + (c.line ? ':' + c.line : '');
  }
  function lineOf(c) {
    var key = c.path && c.line ? c.path + ':' + c.line : null;
    return key && Object.prototype.hasOwnProperty.call(data.lines, key) ? data.lines[key] : null;
  }
  function commitText(sha) {
    var c = data.commits[sha];
    if (!c) return '(commit ' + sha + ': not in the case)';
    var out = ['commit ' + c.sha + (c.original_sha ? ' (' + c.original_sha + ' in the collected repository)' : ''), 'Author: ' + (c.author || '?') + '   Date: ' + fmt(c.time), '', '    ' + (c.subject || ''), ''];
    c.changes.forEach(function (ch) { out.push((ch.path || '') + ': ' + ch.key + ': ' + (ch.old === null ? '(unset)' : ch.old) + ' → ' + (ch.new === null ? '(unset)' : ch.new)); });
    if (!c.changes.length) out.push('(no recognised config value changed)');
    c.files.forEach(function (f) { out.push((f.status || 'M') + ' ' + f.path + (f.added !== null ? '  +' + f.added + ' −' + (f.removed || 0) : '')); });
    return out.join('\n');
  }
  // The evidence panel: filled with the cited lines (or a commit's diff) and moved right under what was clicked.
  function showLines(cites, title, anchor) {
    var pre = document.getElementById('raw-lines'), panel = document.getElementById('raw');
    var out = [];
    cites.forEach(function (c) {
      if (c.sha) { out.push(commitText(c.sha)); return; }
      var text = lineOf(c);
      out.push('# ' + citeLabel(c) + (c.note ? '  (' + c.note + ')' : '') + '\n' + (text === null ? '(line not embedded: open ' + (c.path || 'the source') + ' at line ' + c.line + ')' : text));
    });
    document.getElementById('raw-title').textContent = title || 'Evidence lines';
    pre.textContent = out.join('\n\n') || '(no evidence lines)';
    pre.setAttribute('data-count', String(cites.length));
    if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(panel, anchor.nextSibling);
    panel.classList.add('open');
    panel.scrollIntoView({ block: 'nearest' });
  }
  // One chip per source (or commit) with its line ranges, instead of one per line.
  function citeGroups(groups, max) {
    var ul = el('ul', { cls: 'cites' });
    (groups || []).slice(0, max || 12).forEach(function (g) {
      var n = g.cites.length;
      var text = g.sha ? g.label : g.label + (g.ranges.length ? ':' + ranges(g.ranges) : '') + (n > 1 ? ' (' + n + ')' : '');
      var b = el('button', { cls: 'cite', type: 'button', text: text, title: (g.path || '') + (g.notes.length ? ' — ' + g.notes.join('; ') : '') });
      b.addEventListener('click', function () { showLines(g.cites, text, ul); });
      ul.appendChild(el('li', null, b));
    });
    if (groups && groups.length > (max || 12)) ul.appendChild(el('li', { cls: 'meta', text: '+' + (groups.length - (max || 12)) + ' more sources' }));
    return ul;
  }
  function badge(sev) { return el('span', { cls: 'badge sev-' + sev, text: sev }); }
  function section(parent, title, body) { parent.appendChild(el('h3', { text: title })); if (body) parent.appendChild(body); }

  function renderVerdict() {
    var s = document.getElementById('verdict');
    s.className = 'verdict-' + data.verdict.status;
    s.appendChild(el('div', { cls: 'status' }, el('span', { cls: 'badge status-' + data.verdict.status, text: data.verdict.status.replace('-', ' ') }),
      lead ? el('span', { cls: 'meta', text: ' ' + fmt(lead.start) + (lead.end ? ' → ' + fmt(lead.end) : '') }) : null));
    s.appendChild(el('h2', { cls: 'headline', text: data.verdict.headline }));
    if (!data.query_phase.complete) s.appendChild(el('p', { cls: 'warn', text: 'Partial findings: ' + data.query_phase.note }));
    if (data.partial) s.appendChild(el('p', { cls: 'warn', text: 'Partial evidence: some inputs were not fully read (see Evidence coverage).' }));
    if (!lead) {
      if (data.verdict.status === 'no-evidence') s.appendChild(el('p', { text: 'Check the paths given: see Evidence coverage below for what was read and why nothing counted.' }));
      return;
    }
    var i = lead.impact, grid = el('div', { cls: 'impact' });
    function stat(label, value, title) { grid.appendChild(el('div', { cls: 'stat', title: title || '' }, el('div', { cls: 'v', text: value }), el('div', { cls: 'k', text: label }))); }
    stat('clients', i && i.clients !== null ? String(i.clients) : '—', i ? i.signals : 'not counted');
    stat('sessions failed', i && i.sessions !== null ? String(i.sessions) : '—', i ? i.signals : 'not counted');
    stat('paths', i && i.paths && i.paths.length ? i.paths.join(', ') : '—');
    stat('duration', dur(i && i.duration_s !== null ? i.duration_s : (lead.start && lead.end ? (ms(lead.end) - ms(lead.start)) / 1000 : null)));
    s.appendChild(grid);
    if (i && i.signals) s.appendChild(el('p', { cls: 'meta', text: 'Counted: ' + i.signals + (i.basis === 'window' ? ' between the finding\'s start and end' : '') + '.' }));
    if (data.verdict.todo.length) {
      var todo = el('ol', { cls: 'todo' });
      data.verdict.todo.forEach(function (t) { todo.appendChild(el('li', null, el('span', { text: t.action }), el('span', { cls: 'meta', text: ' (' + t.from + ')' }))); });
      section(s, 'What to do', todo);
    }
    if (lead.fix) {
      var fx = el('div', null, el('p', { text: lead.fix.statement + (lead.fix.at ? ' — ' + fmt(lead.fix.at) : '') }), citeGroups(lead.fix_groups));
      section(s, 'Fix in the evidence', fx);
    }
    var why = el('div', { cls: 'why', id: 'why' });
    if (lead.mechanism) why.appendChild(el('p', null, el('b', { text: 'Cause: ' }), lead.mechanism));
    if (lead.trigger) why.appendChild(el('p', null, el('b', { text: 'Trigger: ' }), lead.trigger));
    if (lead.runner_up) why.appendChild(el('p', null, el('b', { text: 'Runner-up: ' }), lead.runner_up.statement + ' — ruled out: ' + lead.runner_up.why_lost));
    why.appendChild(el('p', { cls: 'statement' }, badge(lead.severity), ' ' + lead.statement));
    why.appendChild(el('p', { cls: 'meta', text: 'confidence ' + pct(lead.confidence) + ' · ' + lead.query_id }));
    why.appendChild(citeGroups(lead.groups));
    section(s, 'Why', why);
    var t = data.verdict.times;
    if (t) {
      section(s, 'Response times', table(['', 'time (UTC)', 'after impact start'], [
        { cells: [{ v: 'impact began (first failure)' }, { v: fmt(t.impact_start) }, { v: '0' }] },
        { cells: [{ v: 'first response' + (t.first_response ? ': ' + t.first_response.what : '') }, { v: fmt(t.first_response && t.first_response.t) }, { v: dur(t.to_detect_s) }] },
        { cells: [{ v: 'mitigated (fix took effect)' }, { v: fmt(t.mitigated) }, { v: dur(t.to_mitigate_s) }] },
        { cells: [{ v: 'resolved (last failure)' }, { v: fmt(t.impact_end) }, { v: dur(t.to_resolve_s) }] }]));
    }
    if (data.verdict.also.length) {
      var ol = el('ol');
      data.verdict.also.forEach(function (id) {
        var f = byId[id];
        if (f) ol.appendChild(el('li', null, badge(f.severity), el('span', { text: ' ' + (f.headline || f.statement) + ' ' }),
          el('span', { cls: 'meta', text: pct(f.confidence) + ' · ' + f.query_id }), citeGroups(f.groups, 4)));
      });
      section(s, 'Other probable causes', ol);
    }
  }

  function findingCard(f) {
    return el('div', { cls: 'finding', 'data-start': f.start || '', 'data-end': f.end || '', 'data-id': f.id },
      el('div', null, badge(f.severity), el('span', { text: ' ' + (f.headline ? f.headline + '. ' : '') + f.statement })),
      el('div', { cls: 'meta', text: '#' + f.rank + ' · ' + f.query_id + ' · ' + fmt(f.start) + (f.end ? ' → ' + fmt(f.end) : '') + ' · confidence ' + pct(f.confidence) }),
      f.remediation ? el('div', { cls: 'todo-line' }, el('b', { text: 'To do: ' }), f.remediation) : null,
      citeGroups(f.groups, 6));
  }

  function renderFindings() {
    var s = document.getElementById('findings');
    var shown = {};
    if (lead) shown[lead.id] = true;
    data.verdict.also.forEach(function (id) { shown[id] = true; });
    var rest = data.findings.filter(function (f) { return !shown[f.id]; });
    s.appendChild(el('h2', { text: (lead ? 'Other findings (' : 'Findings (') + rest.length + (data.omitted.findings ? ', ' + data.omitted.findings + ' more not embedded' : '') + ')' }));
    var kinDone = {};
    rest.forEach(function (f) {
      if (!f.kin) { s.appendChild(findingCard(f)); return; }
      if (kinDone[f.kin]) return;
      kinDone[f.kin] = true;
      var members = rest.filter(function (x) { return x.kin === f.kin; });
      var first = members[0], last = members[members.length - 1];
      var d = el('details', { cls: 'kin finding', 'data-start': first.start || '', 'data-end': last.end || last.start || '', 'data-kin': f.kin },
        el('summary', null, badge(f.severity), el('span', { text: ' ' + members.length + ' × ' + f.query_id + ': ' + (f.headline || f.statement) }),
          el('span', { cls: 'meta', text: ' ' + fmt(first.start) + ' → ' + fmt(last.end || last.start) })));
      var ul = el('ul', { cls: 'kin-list' });
      members.forEach(function (m) {
        var li = el('li', { 'data-start': m.start || '', 'data-end': m.end || '' }, el('span', { cls: 'mono', text: fmt(m.start) + ' ' }), el('span', { text: m.statement }), citeGroups(m.groups, 3));
        ul.appendChild(li);
      });
      d.appendChild(ul);
      s.appendChild(d);
    });
    if (!rest.length) s.appendChild(el('p', { cls: 'meta', text: 'None.' }));
  }

  function renderTimeline() {
    var t = view, root = document.getElementById('tl');
    while (root.firstChild) root.removeChild(root.firstChild);
    var legendBox = document.getElementById('legend');
    while (legendBox.firstChild) legendBox.removeChild(legendBox.firstChild);
    var switcher = document.getElementById('view-switch');
    while (switcher.firstChild) switcher.removeChild(switcher.firstChild);
    if (data.timeline_focus) {
      [['Around the lead finding', data.timeline_focus], ['Whole case', data.timeline]].forEach(function (v) {
        var b = el('button', { cls: 'cite', type: 'button', text: v[0] + (v[1] === view ? ' ✓' : ''), 'data-view': v[1] === data.timeline ? 'whole' : 'focus' });
        b.addEventListener('click', function () { view = v[1]; renderTimeline(); setBrush(null); });
        switcher.appendChild(b);
      });
    }
    if (!t.buckets) { root.parentNode.appendChild(el('p', { cls: 'meta', text: 'No timed evidence.' })); root.style.display = 'none'; return; }
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
        if (isNaN(a) || b < L || a > W - R) return; // outside the view (a finding dated outside the logs' span)
        var r = svg('rect', { x: Math.max(L, a), y: y + 6, width: Math.max(2, Math.min(W - R, b) - Math.max(L, a)), height: laneH - 12, fill: iv.kind === 'generation' ? '#aab7c4' : (getComputedStyle(document.documentElement).getPropertyValue('--' + iv.kind) || '#999').trim(), opacity: 0.75, 'class': 'interval' });
        r.appendChild(svg('title', { text: iv.label + ' (' + fmt(iv.from) + ' → ' + fmt(iv.to) + ')' }));
        root.appendChild(r);
      });
      (lane.points || []).forEach(function (p) {
        var x = X(ms(p.t));
        if (!(x >= L && x <= W - R)) return;
        var l = svg('line', { x1: x, x2: x, y1: y + 2, y2: y + laneH - 2, stroke: p.kind === 'commit' ? '#8e44ad' : p.kind === 'token' ? '#c0392b' : '#2c3e50', 'stroke-width': 2, 'class': 'point' });
        l.appendChild(svg('title', { text: fmt(p.t) + ' ' + p.label }));
        if (p.cite) l.addEventListener('click', function (ev) { ev.stopPropagation(); showLines([p.cite], p.label, document.getElementById('legend')); });
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
    showLines(t.samples[lane + ':' + i] || [], lane + ' at ' + new Date(from).toISOString() + ' (' + t.bucket_s + ' s bucket)', document.getElementById('legend'));
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

  // Tables carry their column name on each cell, so that narrow screens can show them as stacked cards.
  function table(head, rows) {
    var t = el('table'), tr = el('tr');
    head.forEach(function (h) { tr.appendChild(el('th', { text: h })); });
    t.appendChild(el('thead', null, tr));
    var tb = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr', r.attrs || null);
      r.cells.forEach(function (c, i) { row.appendChild(el('td', { text: c.v === null || c.v === undefined ? '' : c.v, cls: c.cls || '', title: c.title || null, 'data-label': head[i] })); });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }

  // Key moments, each with the line that shows it (or the commit's change) embedded.
  function renderMoments() {
    var ul = document.getElementById('moments');
    if (!data.moments.length) ul.appendChild(el('li', { cls: 'meta', text: 'No timed event in the evidence.' }));
    data.moments.forEach(function (p) {
      var shownLine = p.cite ? (p.cite.sha ? (data.commits[p.cite.sha] ? data.commits[p.cite.sha].changes.map(function (c) { return c.key + ': ' + c.old + ' → ' + c.new; }).join('; ') : '') : lineOf(p.cite)) : null;
      var li = el('li', { 'data-start': p.t }, el('span', { cls: 'mono', text: fmt(p.t) + ' ' }), el('span', { text: p.label }),
        p.cite ? el('span', { cls: 'meta', text: ' · ' + citeLabel(p.cite) }) : null,
        shownLine ? el('code', { cls: 'line', text: shownLine }) : null);
      if (p.cite) li.addEventListener('click', function () { showLines([p.cite], p.label, li); });
      ul.appendChild(li);
    });
  }

  function renderCoverage() {
    var s = document.getElementById('coverage');
    s.appendChild(el('h2', { text: 'Evidence coverage' }));
    s.appendChild(table(['source', 'kind', 'format', 'lines', 'parsed', 'rejected', 'first', 'last', 'zone', 'status', 'note'], data.sources.map(function (r) {
      return { attrs: r.first_ts ? { 'data-start': r.first_ts, 'data-end': r.last_ts || r.first_ts } : null,
        cells: [{ v: r.label, cls: 'mono', title: r.path }, { v: r.kind }, { v: r.format }, { v: r.total_lines, cls: 'num' }, { v: r.parsed_lines, cls: 'num' }, { v: r.rejected_lines, cls: 'num' },
          { v: fmt(r.first_ts) }, { v: fmt(r.last_ts) }, { v: r.tz }, { v: r.status }, { v: r.note }] };
    })));
    s.appendChild(el('h2', { text: 'Rejected lines (' + data.rejects.total + (data.rejects.total > data.rejects.shown.length ? ', first ' + data.rejects.shown.length + ' shown' : '') + ')' }));
    if (data.rejects.shown.length) s.appendChild(table(['file:line', 'reason', 'raw (escaped)'], data.rejects.shown.map(function (r) {
      return { cells: [{ v: (labelOfPath[r.path] || r.path) + ':' + r.line, cls: 'mono', title: r.path }, { v: r.reason }, { v: r.raw, cls: 'mono' }] };
    })));
    else if (!data.rejects.total) s.appendChild(el('p', { cls: 'meta', text: 'Every line of every source was parsed.' }));
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
      { cells: [{ v: 'time zones assumed' }, { v: data.sources.filter(function (x) { return x.tz && x.tz.indexOf('stated') < 0 && x.tz !== 'none'; }).map(function (x) { return x.label + ' (' + x.tz + ')'; }).join('; ') || 'none' }] },
      { cells: [{ v: 'embedded lines' }, { v: Object.keys(data.lines).length + (data.omitted.lines ? ' (' + data.omitted.lines + ' more not embedded)' : '') }] },
      { cells: [{ v: 'left out' }, { v: data.omitted.notes.join('; ') || 'nothing' }] },
    ]));
    s.appendChild(el('h2', { text: 'Inputs (sha256)' }));
    s.appendChild(table(['source', 'sha256', 'bytes'], data.sources.map(function (r) { return { cells: [{ v: r.path, cls: 'mono' }, { v: r.sha256, cls: 'mono' }, { v: r.bytes, cls: 'num' }] }; })));
  }

  document.getElementById('raw-close').addEventListener('click', function () { document.getElementById('raw').classList.remove('open'); });
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

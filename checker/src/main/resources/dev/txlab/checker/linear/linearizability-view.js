// The linearizability view (LinearizabilityHtml.java writes the data and inlines this script).
// Per key: one lane per process, each operation a bar from invocation to completion on a time
// axis, the legal order the checker found as numbered linearization points, and for a key that
// is not linearizable the operation that cannot be placed. Drawn on a canvas, and only what is in
// view, so that a key with tens of thousands of operations pans and zooms without delay.
// The address names the key shown (#key=<key as EDN>), so a view can be linked to.
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('lin-data').textContent);
  const view = document.getElementById('view');
  const tip = document.getElementById('tip');
  // Okabe–Ito colours: told apart with the common colour blindnesses; shapes and words as well.
  const C = {
    placed: '#0072B2', unplaced: '#9a9a9a', blocked: '#D55E00',
    point: '#1b1b1b', path: '#E69F00', sel: '#CC79A7', lane: '#f6f6f6', grid: '#e4e4e4',
  };
  const LEFT = 96; // px for lane labels
  const TOP = 30; // px for the time axis
  const ROW_STEP = 200; // table rows added per "more"
  const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (const c of kids) e.append(c);
    return e;
  };
  const WORD = { invalid: 'not linearizable', unknown: 'undecided', valid: 'linearizable' };
  const keyName = (k) => (k.key === null ? 'the single object' : 'key ' + k.key);

  // ---------------------------------------------------------------- page skeleton
  const nav = el('nav', { id: 'keys' }, el('h2', { text: D.keys.length === 1 ? '1 key' : D.keys.length + ' keys, those that fail first' }));
  const list = el('ul');
  nav.append(list);
  D.keys.forEach((k, i) => {
    const b = el('button', { type: 'button', 'data-index': i, title: k.text },
      keyName(k) + ' · ' + WORD[k.validity] + ' · ' + k.lane.length + ' ops');
    b.addEventListener('click', () => select(i, true));
    list.append(el('li', { class: 'key ' + k.validity, 'data-key': k.key === null ? '' : k.key, 'data-validity': k.validity }, b));
  });
  const panel = el('section', { id: 'panel' });
  view.append(nav, panel);
  if (D.keys.length === 0) {
    document.body.dataset.ready = 'true';
    return;
  }

  let K = null; // the key shown, with derived arrays
  let x0 = 0, x1 = 1; // the time window in view
  let selected = -1; // an operation picked in the table
  let canvas, ctx, laneH, width, height, stepsBody, moreBefore, moreAfter, shownFrom, shownTo, status;

  function prepare(k) {
    const n = k.lane.length;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, k.t0[i]);
      hi = Math.max(hi, k.t1[i] < 0 ? k.t0[i] : k.t1[i]);
    }
    if (n === 0) { lo = 0; hi = 1; }
    const span = Math.max(hi - lo, 1);
    k.lo = lo >= 0 ? Math.max(0, lo - span * 0.01) : lo - span * 0.01;
    k.hi = hi + span * 0.04; // open (crashed) intervals run to here
    k.end = (i) => (k.t1[i] < 0 ? k.hi : k.t1[i]);
    // Operations per lane, by invocation: a lane's operations do not overlap, except open ones.
    k.byLane = k.procs.map(() => []);
    k.open = k.procs.map(() => []);
    for (let i = 0; i < n; i++) (k.t1[i] < 0 ? k.open : k.byLane)[k.lane[i]].push(i);
    for (const l of k.byLane) l.sort((a, b) => k.t0[a] - k.t0[b]);
    // Position of each operation in the legal order (-1: not in it), and its linearization point:
    // the earliest instant not before the previous point and inside its interval. The search's
    // order respects real time, so such a point always exists.
    k.pos = new Int32Array(n).fill(-1);
    k.pt = new Float64Array(k.lin.length);
    let p = -Infinity;
    k.lin.forEach((id, j) => {
      k.pos[id] = j;
      p = Math.min(Math.max(p, k.t0[id]), k.end(id));
      k.pt[j] = p;
    });
    k.hasBlocked = typeof k.blocked === 'number';
    return k;
  }

  function select(i, push) {
    K = D.keys[i].byLane ? D.keys[i] : prepare(D.keys[i]);
    selected = -1;
    for (const b of list.querySelectorAll('button')) b.setAttribute('aria-current', String(+b.dataset.index === i));
    if (push) history.replaceState(null, '', '#key=' + encodeURIComponent(K.key === null ? '' : K.key));
    buildPanel();
    if (K.hasBlocked) focusBlocked(); else fit();
  }

  function buildPanel() {
    panel.textContent = '';
    panel.append(el('h2', { id: 'key-title' }, keyName(K) + ' ', el('span', { class: 'badge ' + K.validity, text: WORD[K.validity] })));
    // A failing key is told in the box below; an undecided one here.
    if (K.validity === 'unknown') panel.append(el('p', { id: 'key-text', text: K.text }));
    if (K.hasBlocked) {
      const last = K.lin.length;
      const box = el('div', { class: 'failure', id: 'failure', 'data-op': K.ix[K.blocked] });
      box.append(el('b', { text: 'The operation that cannot be placed: ' }), K.blockedText + '. ');
      box.append('It needed ' + K.need + '. ');
      box.append(last === 0
        ? 'No operation can be placed before it, and the initial state is ' + K.initial + '. '
        : 'The longest legal order the checker found places ' + last + (last === 1 ? ' operation' : ' operations') +
          ' before it and leaves ' + K.have + '; every other order fails sooner. ');
      box.append('It is drawn in vermilion, marked ✗.');
      panel.append(box);
    } else if (K.validity === 'valid') {
      panel.append(el('p', { class: 'verdict valid', id: 'key-valid', text: 'Valid: ' + keyName(K) + ' is linearizable. ' + K.text.replace(/^Linearizable: a/, 'A') + ' The numbered points give one such order, each inside its operation\u2019s interval.' }));
    }
    const tb = el('div', { id: 'toolbar' });
    const btn = (label, f, id) => { const b = el('button', { type: 'button', text: label }); if (id) b.id = id; b.addEventListener('click', f); tb.append(b); };
    btn('Fit all', fit);
    if (K.hasBlocked) btn('Show the operation that cannot be placed', focusBlocked, 'show-blocked');
    btn('Zoom in', () => zoomAt((x0 + x1) / 2, 0.5));
    btn('Zoom out', () => zoomAt((x0 + x1) / 2, 2));
    btn('← Pan', () => pan(-(x1 - x0) * 0.4));
    btn('Pan →', () => pan((x1 - x0) * 0.4));
    status = el('span', { id: 'status' });
    tb.append(status);
    panel.append(tb);
    const sw = (c, label, style) => el('span', {}, el('i', { class: 'sw', style: style || 'background:' + c }), label);
    panel.append(el('div', { class: 'legend' },
      sw(C.placed, 'in the legal order found'),
      sw(C.unplaced, 'not placed in it'),
      sw(null, 'pale, dashed, to the end: outcome unknown (may take effect any time after it starts, or never)', 'background:repeating-linear-gradient(90deg,#99c7e0 0 5px,transparent 5px 8px)'),
      sw(C.blocked, '✗ cannot be placed'),
      el('span', {}, '● linearization point, numbered in order, joined by the ', el('b', { style: 'color:' + C.path, text: 'orange' }), ' line'),
      el('span', { class: 'muted', text: 'wheel or buttons: zoom · drag: pan · hover: details' })));
    const wrap = el('div', { id: 'wrap' });
    canvas = el('canvas', { id: 'timeline', role: 'img', 'aria-label': 'operations of ' + keyName(K) + ' over time' });
    wrap.append(canvas);
    panel.append(wrap);
    ctx = canvas.getContext('2d');
    attachPointer();
    panel.append(el('h3', { text: K.validity === 'valid' ? 'The legal order found' : 'The longest legal order found' }));
    panel.append(el('p', { class: 'muted', text: 'Step by step, with the model state after each (initial state: ' + K.initial + '). Click a row to show that operation.' }));
    moreBefore = el('button', { type: 'button' });
    moreAfter = el('button', { type: 'button' });
    stepsBody = el('tbody');
    panel.append(moreBefore, el('table', { id: 'steps' }, el('thead', {}, el('tr', {}, el('th', { text: '#' }), el('th', { text: 'operation' }), el('th', { text: 'state after' }))), stepsBody), moreAfter);
    moreBefore.addEventListener('click', () => { shownFrom = Math.max(0, shownFrom - ROW_STEP); fillSteps(); });
    moreAfter.addEventListener('click', () => { shownTo = Math.min(K.lin.length, shownTo + ROW_STEP); fillSteps(); });
    const n = K.lin.length;
    if (K.validity === 'valid') { shownFrom = 0; shownTo = Math.min(n, 40); } else { shownFrom = Math.max(0, n - 40); shownTo = n; }
    fillSteps();
    panel.append(el('p', { class: 'how', text: 'How to read this: each bar spans from when a process invoked an operation to when it learned the result. ' +
      'A history is linearizable when every operation can be given one instant inside its bar such that, taken in that order, the operations make sense one after another for the model (' + D.model + '). ' +
      'The points are the order the checker found' + (K.validity === 'valid' ? '.' : ', as far as it goes; the vermilion operation is where every order breaks down.') +
      ' Failed operations did not happen and reads whose result is unknown constrain nothing, so neither is drawn.' }));
    resize();
  }

  function describe(i) {
    const f = K.fs[K.f[i]];
    return 'process ' + K.procs[K.lane[i]] + '\u2019s ' + f + ' ' + K.v[i] + ' (op ' + K.ix[i] + ')';
  }

  function fillSteps() {
    stepsBody.textContent = '';
    for (let j = shownFrom; j < shownTo; j++) {
      const id = K.lin[j];
      const tr = el('tr', { 'data-op': id }, el('td', { text: String(j + 1) }), el('td', { text: describe(id) }), el('td', {}, el('code', { text: K.states[K.st[j]] })));
      if (id === selected) tr.className = 'sel';
      tr.addEventListener('click', () => show(id));
      stepsBody.append(tr);
    }
    if (K.hasBlocked && shownTo === K.lin.length) {
      const tr = el('tr', { class: 'blocked', 'data-op': K.blocked }, el('td', { text: '✗' }), el('td', { text: describe(K.blocked) + ' — cannot be placed' }), el('td', { text: 'needs ' + K.need }));
      tr.addEventListener('click', () => show(K.blocked));
      stepsBody.append(tr);
    }
    moreBefore.hidden = shownFrom === 0;
    moreBefore.textContent = 'Show ' + Math.min(ROW_STEP, shownFrom) + ' earlier steps (of ' + shownFrom + ')';
    moreAfter.hidden = shownTo >= K.lin.length;
    moreAfter.textContent = 'Show ' + Math.min(ROW_STEP, K.lin.length - shownTo) + ' later steps (of ' + (K.lin.length - shownTo) + ')';
  }

  // ---------------------------------------------------------------- the window

  function setWindow(a, b) {
    const minSpan = D.timed ? 50 : 8; // ns, or history positions
    if (b - a < minSpan) { const m = (a + b) / 2; a = m - minSpan / 2; b = m + minSpan / 2; }
    const full = K.hi - K.lo;
    if (b - a > full) { a = K.lo; b = K.hi; }
    if (a < K.lo) { b += K.lo - a; a = K.lo; }
    if (b > K.hi) { a -= b - K.hi; b = K.hi; }
    x0 = Math.max(a, K.lo); x1 = b;
    draw();
  }
  function fit() { setWindow(K.lo, K.hi); }
  function zoomAt(t, factor) { setWindow(t - (t - x0) * factor, t + (x1 - t) * factor); }
  function pan(dt) { setWindow(x0 + dt, x1 + dt); }
  // Around one operation: it and a few of its neighbours in time.
  function show(id) {
    selected = id;
    const a = K.t0[id], b = K.end(id);
    // The operation that cannot be placed comes after the whole legal order found.
    const j = K.pos[id] >= 0 ? K.pos[id] : K.lin.length;
    let from = a;
    if (j > 0) from = Math.min(from, K.t0[K.lin[Math.max(0, j - 4)]]);
    const pad = Math.max((b - from) * 0.25, D.timed ? 1000 : 4);
    setWindow(from - pad, b + pad);
    for (const tr of stepsBody.querySelectorAll('tr')) tr.classList.toggle('sel', +tr.dataset.op === id);
  }
  function focusBlocked() { show(K.blocked); }

  // ---------------------------------------------------------------- drawing

  function resize() {
    const dpr = window.devicePixelRatio || 1;
    width = canvas.parentElement.clientWidth;
    const lanes = K.procs.length;
    laneH = lanes <= 12 ? 30 : lanes <= 40 ? 22 : Math.max(10, Math.floor(900 / lanes));
    height = TOP + lanes * laneH + 8;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw();
  }
  const X = (t) => LEFT + ((t - x0) / (x1 - x0)) * (width - LEFT - 8);
  const T = (x) => x0 + ((x - LEFT) / (width - LEFT - 8)) * (x1 - x0);
  const laneY = (l) => TOP + l * laneH;

  function unitOf(span) {
    if (!D.timed) return { d: 1, u: '' };
    if (span >= 5e8) return { d: 1e9, u: ' s' };
    if (span >= 5e5) return { d: 1e6, u: ' ms' };
    if (span >= 500) return { d: 1e3, u: ' µs' };
    return { d: 1, u: ' ns' };
  }
  function timeText(t) {
    if (!D.timed) return 'position ' + Math.round(t);
    const u = unitOf(Math.abs(t) || 1);
    return fmt.format(t / u.d) + u.u;
  }

  function axis() {
    const span = x1 - x0;
    const u = unitOf(span);
    const raw = span / u.d / Math.max(2, Math.floor((width - LEFT) / 110));
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = (raw / mag >= 5 ? 10 : raw / mag >= 2 ? 5 : raw / mag >= 1 ? 2 : 1) * mag;
    if (!D.timed) step = Math.max(1, step); // positions are whole numbers
    ctx.font = '11px system-ui,sans-serif';
    ctx.textAlign = 'center';
    ctx.fillStyle = '#444';
    ctx.strokeStyle = C.grid;
    ctx.lineWidth = 1;
    const decimals = Math.max(0, -Math.floor(Math.log10(step)));
    for (let v = Math.ceil(x0 / u.d / step) * step; v * u.d <= x1; v += step) {
      const x = Math.round(X(v * u.d)) + 0.5;
      ctx.beginPath(); ctx.moveTo(x, TOP - 6); ctx.lineTo(x, height - 4); ctx.stroke();
      const label = v.toFixed(Math.min(decimals, 6)) + u.u;
      const w = ctx.measureText(label).width;
      // Not over the axis' name, nor past the right edge.
      if (x - w / 2 > LEFT + 4 && x + w / 2 < width - 2) ctx.fillText(label, x, TOP - 10);
    }
    ctx.textAlign = 'left';
    ctx.fillStyle = '#5f5f5f';
    ctx.fillText(D.timed ? 'time →' : 'history order →', 6, TOP - 10);
  }

  function draw() {
    if (!ctx) return;
    const started = performance.now();
    ctx.clearRect(0, 0, width, height);
    const lanes = K.procs.length;
    for (let l = 0; l < lanes; l++) {
      if (l % 2 === 0) { ctx.fillStyle = C.lane; ctx.fillRect(LEFT, laneY(l), width - LEFT, laneH); }
    }
    axis();
    ctx.save();
    ctx.beginPath(); ctx.rect(LEFT, TOP - 8, width - LEFT, height - TOP + 8); ctx.clip();
    const barH = Math.max(4, Math.round(laneH * 0.5));
    let drawn = 0, blockedDrawn = false;
    delete canvas.dataset.blockedAt;
    const labels = [];
    const bar = (i) => {
      const xa = X(K.t0[i]), xb = X(K.end(i));
      const x = Math.max(LEFT - 2, xa), w = Math.max(1.5, Math.min(width, xb) - x);
      const y = laneY(K.lane[i]) + (laneH - barH) / 2;
      const isBlocked = K.hasBlocked && i === K.blocked;
      const open = K.t1[i] < 0;
      // An open (crashed) operation is paler and dashed; blue still if the order found applies it.
      ctx.globalAlpha = open ? 0.4 : 1;
      ctx.fillStyle = isBlocked ? C.blocked : K.pos[i] >= 0 ? C.placed : C.unplaced;
      ctx.fillRect(x, y, w, barH);
      ctx.globalAlpha = 1;
      if (open) {
        ctx.setLineDash([5, 3]); ctx.strokeStyle = K.pos[i] >= 0 ? '#00527f' : '#666'; ctx.strokeRect(x + 0.5, y + 0.5, w - 1, barH - 1); ctx.setLineDash([]);
      }
      if (isBlocked || i === selected) {
        ctx.lineWidth = 2.5; ctx.strokeStyle = isBlocked ? '#7a2e00' : C.sel;
        ctx.strokeRect(x - 1.5, y - 1.5, w + 3, barH + 3); ctx.lineWidth = 1;
      }
      if (isBlocked) {
        blockedDrawn = xb >= LEFT && xa <= width;
        // Where it is, for a reader's tools and the browser test: the middle of its visible part.
        canvas.dataset.blockedAt = Math.round(x + w / 2) + ',' + Math.round(y + barH / 2);
      }
      if (w > 26) labels.push([i, x, y, w]);
      drawn++;
    };
    for (let l = 0; l < lanes; l++) {
      const ops = K.byLane[l];
      // The first operation whose invocation is at or after x0, then back while they reach in.
      let a = 0, b = ops.length;
      while (a < b) { const m = (a + b) >> 1; if (K.t0[ops[m]] < x0) a = m + 1; else b = m; }
      while (a > 0 && K.end(ops[a - 1]) >= x0) a--;
      for (let j = a; j < ops.length && K.t0[ops[j]] <= x1; j++) bar(ops[j]);
      for (const i of K.open[l]) if (K.t0[i] <= x1) bar(i);
    }
    // Labels, where a bar is wide enough to hold one (and not too many to read).
    if (labels.length <= 1500) {
      ctx.font = '11px system-ui,sans-serif';
      ctx.textBaseline = 'middle';
      for (const [i, x, y, w] of labels) {
        const isBlocked = K.hasBlocked && i === K.blocked;
        let s = (isBlocked ? '✗ ' : '') + K.fs[K.f[i]] + ' ' + K.v[i];
        const room = w - 6;
        if (ctx.measureText(s).width > room) {
          while (s.length > 1 && ctx.measureText(s + '…').width > room) s = s.slice(0, -1);
          s += '…';
        }
        if (room > 14) { ctx.fillStyle = K.t1[i] < 0 ? '#1b1b1b' : '#fff'; ctx.fillText(s, x + 3, y + barH / 2); }
      }
      ctx.textBaseline = 'alphabetic';
    }
    // The linearization points in view: the points are in time order, so two searches find them.
    let pa = 0, pb = K.pt.length;
    while (pa < pb) { const m = (pa + pb) >> 1; if (K.pt[m] < x0) pa = m + 1; else pb = m; }
    let pe = pa;
    while (pe < K.pt.length && K.pt[pe] <= x1) pe++;
    const from = Math.max(0, pa - 1), to = Math.min(K.pt.length, pe + 1);
    const cy = (j) => laneY(K.lane[K.lin[j]]) + laneH / 2;
    // Points closer than a few pixels apart would only be a tangle: then the order is left out
    // until the reader zooms in.
    const pointsShown = pe - pa <= (width - LEFT) / 5;
    if (pointsShown && to - from > 1) {
      ctx.strokeStyle = C.path; ctx.lineWidth = 1.5; ctx.beginPath();
      for (let j = from; j < to; j++) (j === from ? ctx.moveTo : ctx.lineTo).call(ctx, X(K.pt[j]), cy(j));
      ctx.stroke(); ctx.lineWidth = 1;
    }
    const spacing = (pe - pa) > 0 ? (width - LEFT) / (pe - pa) : width;
    if (pointsShown) {
      ctx.font = '10px system-ui,sans-serif'; ctx.textAlign = 'center';
      for (let j = pa; j < pe; j++) {
        const x = X(K.pt[j]), y = cy(j);
        ctx.fillStyle = '#fff'; ctx.beginPath(); ctx.arc(x, y, 3.5, 0, 7); ctx.fill();
        ctx.fillStyle = C.point; ctx.beginPath(); ctx.arc(x, y, 2.5, 0, 7); ctx.fill();
        if (spacing > 22) { ctx.fillStyle = '#1b1b1b'; ctx.fillText(String(j + 1), x, y - barH / 2 - 3); }
      }
      ctx.textAlign = 'left';
    }
    if (K.hasBlocked && blockedDrawn) {
      const i = K.blocked, x = Math.max(LEFT + 4, X(K.t0[i])), y = laneY(K.lane[i]);
      ctx.font = 'bold 11px system-ui,sans-serif'; ctx.fillStyle = '#a03f00';
      const above = y + (laneH - barH) / 2 - 4;
      ctx.fillText('✗ cannot be placed', x, above - 9 > TOP - 4 ? above : y + laneH + 9);
    }
    ctx.restore();
    // Lane labels.
    ctx.font = (laneH < 14 ? 9 : 12) + 'px system-ui,sans-serif'; ctx.fillStyle = '#333'; ctx.textBaseline = 'middle';
    for (let l = 0; l < lanes; l++) ctx.fillText('process ' + K.procs[l], 6, laneY(l) + laneH / 2);
    ctx.textBaseline = 'alphabetic';
    const ms = performance.now() - started;
    canvas.dataset.drawn = String(drawn);
    canvas.dataset.blockedDrawn = String(blockedDrawn);
    canvas.dataset.renderMs = ms.toFixed(1);
    status.textContent = timeText(x0) + ' – ' + timeText(x1) + ' · ' + drawn + ' of ' + K.lane.length + ' operations in view' +
      (pointsShown ? '' : ' · zoom in to see the ' + (pe - pa) + ' linearization points here') +
      (K.hasBlocked && !blockedDrawn ? ' · the operation that cannot be placed is out of view' : '');
  }

  // ---------------------------------------------------------------- pointer

  function opAt(px, py) {
    const l = Math.floor((py - TOP) / laneH);
    if (l < 0 || l >= K.procs.length || px < LEFT) return -1;
    const t = T(px), slack = (x1 - x0) / (width - LEFT) * 3;
    const ops = K.byLane[l];
    let a = 0, b = ops.length;
    while (a < b) { const m = (a + b) >> 1; if (K.t0[ops[m]] <= t + slack) a = m + 1; else b = m; }
    for (let j = a - 1; j >= 0 && j >= a - 3; j--) if (K.end(ops[j]) >= t - slack) return ops[j];
    for (const i of K.open[l]) if (K.t0[i] <= t + slack) return i;
    return -1;
  }

  function tipText(i) {
    const lines = [describe(i), 'f: ' + K.fs[K.f[i]] + '   value: ' + K.v[i],
      'result: ' + (K.t1[i] < 0 ? 'unknown (info: may have taken effect, or not)' : 'ok'),
      'invoked ' + timeText(K.t0[i]) + (K.t1[i] < 0 ? ', never completed' : ', completed ' + timeText(K.t1[i]) + ' (took ' + timeText(K.t1[i] - K.t0[i]).replace('position ', '') + ')')];
    const j = K.pos[i];
    if (j >= 0) lines.push('linearized #' + (j + 1) + ' at ' + timeText(K.pt[j]) + '; state after: ' + K.states[K.st[j]]);
    else if (K.hasBlocked && i === K.blocked) lines.push('✗ cannot be placed: it needed ' + K.need + ', and the longest legal order leaves ' + K.have);
    else lines.push('not in the legal order found');
    return lines.join('\n');
  }

  function attachPointer() {
    let drag = null;
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      zoomAt(T(e.clientX - r.left), e.deltaY > 0 ? 1.25 : 0.8);
    }, { passive: false });
    canvas.addEventListener('mousedown', (e) => { drag = { x: e.clientX, a: x0, b: x1 }; canvas.classList.add('dragging'); });
    window.addEventListener('mouseup', () => { drag = null; canvas.classList.remove('dragging'); });
    canvas.addEventListener('dblclick', (e) => { const r = canvas.getBoundingClientRect(); zoomAt(T(e.clientX - r.left), 0.5); });
    canvas.addEventListener('mousemove', (e) => {
      const r = canvas.getBoundingClientRect();
      if (drag) {
        const dt = ((e.clientX - drag.x) / (width - LEFT)) * (drag.b - drag.a);
        setWindow(drag.a - dt, drag.b - dt);
        tip.hidden = true;
        return;
      }
      const i = opAt(e.clientX - r.left, e.clientY - r.top);
      if (i < 0) { tip.hidden = true; return; }
      tip.textContent = tipText(i);
      tip.hidden = false;
      tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 470) + 'px';
      tip.style.top = (e.clientY + 16) + 'px';
    });
    canvas.addEventListener('mouseleave', () => { tip.hidden = true; });
  }
  window.addEventListener('resize', () => { if (K) resize(); });

  // ---------------------------------------------------------------- start
  let start = 0;
  const m = /^#key=(.*)$/.exec(location.hash);
  if (m) {
    const want = decodeURIComponent(m[1]);
    const found = D.keys.findIndex((k) => (k.key === null ? '' : k.key) === want);
    if (found >= 0) start = found;
  }
  select(start, false);
  document.body.dataset.ready = 'true';
})();

// The report's message diagram (MessageDiagram.java writes the data and inlines this script).
// It unpacks the run's messages, then draws only what the window and the filters select: a run
// has tens of thousands of messages, and a Lamport diagram is read a few dozen arrows at a time.
// The page's address says what is shown (#messages?from=…&to=…&txn=…&node=…&type=…, times in
// seconds), so a view can be linked to — the anomaly cards do.
(function () {
  'use strict';
  const root = document.getElementById('md');
  if (!root) return;
  const el = (id) => document.getElementById(id);
  const status = el('md-status');
  // Okabe–Ito: told apart with the common colour blindnesses.
  const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#666666', '#000000'];
  const SPAN_FILL = { down: '#D55E00', paused: '#E69F00', cut: '#CC79A7' };
  const SPAN_WORD = { down: 'crashed', paused: 'paused', cut: 'partitioned' };
  const DRAW_MAX = 1500; // arrows drawn at once; more are counted, not drawn
  const LANE_MIN = 22; // px per lane, more when there are few
  const TOP = 40;
  const LEFT = 118;
  const RIGHT = 14;
  const MIN_WIDTH = 20; // µs: the narrowest window

  if (typeof DecompressionStream === 'undefined') {
    status.textContent =
      'This browser cannot unpack the diagram (it needs DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or later).';
    return;
  }
  unpack().then(start, (e) => {
    status.textContent = 'The diagram could not be unpacked: ' + e;
  });

  /** The data MessageDiagram.pack wrote: a line of JSON, then the message columns as varints. */
  async function unpack() {
    const text = atob(el('md-data').textContent.trim());
    const packed = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) packed[i] = text.charCodeAt(i);
    const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    const newline = bytes.indexOf(10);
    const D = JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline)));
    let at = newline + 1;
    for (const name of ['s', 'd', 'f', 't', 'k', 'x']) {
      const column = new Float64Array(D.n);
      for (let i = 0; i < D.n; i++) {
        let v = 0;
        let scale = 1;
        let b;
        do {
          b = bytes[at++];
          v += (b & 0x7f) * scale;
          scale *= 128;
        } while (b & 0x80);
        column[i] = v;
      }
      D[name] = column;
    }
    // Lanes travel + 1 (0: an address nobody hosts).
    for (let i = 0; i < D.n; i++) {
      D.f[i] -= 1;
      D.t[i] -= 1;
    }
    return D;
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
  }

  function nodeOf(process) {
    const slash = process.indexOf('/');
    return slash < 0 ? process : process.slice(0, slash);
  }

  /** A message's family (a reply or acknowledgement goes with its request), for its colour. */
  function family(type) {
    return type.replace(/(Reply|Ack)$/, '');
  }

  /** The smallest 1, 2 or 5 × 10^k at or above v. */
  function niceCeil(v) {
    const p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-9))));
    for (const m of [1, 2, 5, 10]) if (m * p >= v - 1e-9) return m * p;
    return 10 * p;
  }

  function seconds(us, decimals) {
    return (us / 1e6).toFixed(decimals === undefined ? 6 : decimals);
  }

  function ms(us) {
    return us >= 100000 ? (us / 1000).toFixed(0) : (us / 1000).toFixed(3).replace(/\.?0+$/, '');
  }

  function start(D) {
    const n = D.s.length;
    const S = new Float64Array(n); // sent, µs
    const A = new Float64Array(n); // arrived or lost, µs
    let acc = 0;
    let maxFlight = 0;
    for (let i = 0; i < n; i++) {
      acc += D.s[i];
      S[i] = acc;
      A[i] = acc + D.d[i];
      if (D.d[i] > maxFlight) maxFlight = D.d[i];
    }
    const lost = new Int16Array(n).fill(-1);
    for (const [i, r] of D.l) lost[i] = r;
    const laneNode = D.lanes.map(nodeOf);
    const nodes = [...new Set(laneNode)];
    const families = [...new Set(D.types.map(family))].sort();
    const colour = D.types.map((t) => PALETTE[families.indexOf(family(t)) % PALETTE.length]);
    const typeCount = new Array(D.types.length).fill(0);
    for (let i = 0; i < n; i++) typeCount[D.k[i]]++;

    const st = { w0: 0, w1: Math.max(D.end, 1), txns: [], nodes: new Set(), types: new Set(D.types.keys()) };
    let txnHit = new Uint8Array(D.txns.length);

    function filtered() {
      return st.txns.length > 0 || st.nodes.size > 0 || st.types.size < D.types.length;
    }

    function matches(i) {
      if (!st.types.has(D.k[i])) return false;
      if (st.txns.length && !(D.x[i] && txnHit[D.x[i] - 1])) return false;
      if (st.nodes.size) {
        const t = D.t[i];
        if (!st.nodes.has(laneNode[D.f[i]]) && !(t >= 0 && st.nodes.has(laneNode[t]))) return false;
      }
      return true;
    }

    /** A message belongs to transaction `id`: that attempt, or any attempt of that operation (the rule of TraceLine.inTransaction). */
    function setTxns(terms) {
      st.txns = terms.filter((t) => t.length);
      txnHit = new Uint8Array(D.txns.length);
      D.txns.forEach((id, j) => {
        txnHit[j] = st.txns.some((t) => id === t || id.startsWith(t + '.')) ? 1 : 0;
      });
    }

    function firstAtOrAfter(t) {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (S[mid] < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }

    /** The messages in the window that the filters select, in the order sent. */
    function selected() {
      const out = [];
      for (let i = firstAtOrAfter(st.w0 - maxFlight); i < n && S[i] <= st.w1; i++) {
        if (A[i] >= st.w0 && matches(i)) out.push(i);
      }
      return out;
    }

    function setWindow(w0, w1) {
      let width = Math.max(MIN_WIDTH, w1 - w0);
      w0 = Math.max(0, Math.min(w0, D.end - width));
      st.w0 = Math.max(0, w0);
      st.w1 = st.w0 + width;
    }

    /** The window around everything the filters select (the whole run when nothing does). */
    function fit() {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        if (matches(i)) {
          if (S[i] < lo) lo = S[i];
          if (A[i] > hi) hi = A[i];
        }
      }
      if (lo > hi) return;
      const pad = Math.max(MIN_WIDTH, (hi - lo) * 0.04);
      setWindow(lo - pad, hi + pad);
    }

    /**
     * A small first view. With transactions: one of them, whole — of the first 50 that got an
     * answer back to their client, one that took a single attempt, with the most kinds of message
     * (the fullest story), the quickest of those. Without: about 60 messages from the clients'
     * first request.
     */
    function defaultView() {
      const isClient = D.lanes.map((l) => l.endsWith('/client'));
      const ops = new Map(); // transaction operation → {kinds, attempts, first, last}
      const answered = [];
      for (let i = 0; i < n && answered.length < 50; i++) {
        if (!D.x[i]) continue;
        const id = D.txns[D.x[i] - 1];
        const op = id.slice(0, id.lastIndexOf('.'));
        if (!ops.has(op)) ops.set(op, { kinds: new Set(), attempts: new Set(), first: S[i], last: A[i] });
        const o = ops.get(op);
        o.kinds.add(D.k[i]);
        o.attempts.add(id);
        o.last = Math.max(o.last, A[i]);
        if (D.t[i] >= 0 && isClient[D.t[i]] && lost[i] < 0 && !answered.includes(op)) answered.push(op);
      }
      if (answered.length) {
        const score = (op) => {
          const o = ops.get(op);
          return (o.attempts.size === 1 ? 1000 : 0) + o.kinds.size;
        };
        let best = answered[0];
        for (const op of answered) {
          const d = score(op) - score(best);
          if (d > 0 || (d === 0 && ops.get(op).last - ops.get(op).first < ops.get(best).last - ops.get(best).first)) best = op;
        }
        setTxns([best]);
        fit();
        return 'First, one transaction whole: ' + best + ', an early one answered in a single attempt. Clear the filters to see everything else in this window.';
      }
      let i = 0;
      while (i < n && !isClient[D.f[i]]) i++;
      if (i === n) i = 0;
      const w0 = Math.max(0, S[i] - 100);
      const j = Math.min(n - 1, i + 59);
      setWindow(w0, w0 + niceCeil(Math.max(MIN_WIDTH, A[j] - w0)));
      return '';
    }

    // ---------------------------------------------------------------- the address

    function readHash() {
      const h = location.hash;
      const q = h.indexOf('?');
      if (!h.startsWith('#messages') || q < 0) return false;
      const p = new URLSearchParams(h.slice(q + 1));
      setTxns((p.get('txn') || '').split(/[\s,]+/));
      st.nodes = new Set((p.get('node') || '').split(',').filter((x) => nodes.includes(x)));
      if (p.get('type')) {
        const wanted = p.get('type').split(',');
        st.types = new Set([...D.types.keys()].filter((k) => wanted.includes(D.types[k])));
      } else {
        st.types = new Set(D.types.keys());
      }
      const from = parseFloat(p.get('from'));
      const to = parseFloat(p.get('to'));
      if (isFinite(from) && isFinite(to) && to > from) setWindow(from * 1e6, to * 1e6);
      else fit();
      return true;
    }

    function writeHash() {
      const parts = ['from=' + seconds(st.w0), 'to=' + seconds(st.w1)];
      if (st.txns.length) parts.push('txn=' + st.txns.join(','));
      if (st.nodes.size) parts.push('node=' + [...st.nodes].join(','));
      if (st.types.size < D.types.length) parts.push('type=' + [...st.types].map((k) => D.types[k]).join(','));
      history.replaceState(null, '', '#messages?' + parts.join('&'));
    }

    // ---------------------------------------------------------------- controls

    function chips(container, items, isOn, toggle, swatch, count) {
      for (const b of container.querySelectorAll('button')) b.remove();
      items.forEach((item, j) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'chip ' + (isOn(j) ? 'on' : 'off');
        b.innerHTML =
          (swatch ? '<i style="background:' + swatch(j) + '"></i>' : '') +
          esc(item) +
          (count ? ' <span class=muted>' + count(j).toLocaleString('en') + '</span>' : '');
        b.onclick = () => {
          toggle(j);
          update();
        };
        container.appendChild(b);
      });
    }

    function controls() {
      el('md-from').value = seconds(st.w0);
      el('md-to').value = seconds(st.w1);
      el('md-txn').value = st.txns.join(', ');
      chips(
        el('md-nodes'),
        nodes,
        (j) => st.nodes.size === 0 || st.nodes.has(nodes[j]),
        (j) => {
          const v = nodes[j];
          if (st.nodes.has(v)) st.nodes.delete(v);
          else st.nodes.add(v);
        }
      );
      chips(
        el('md-types'),
        D.types,
        (k) => st.types.has(k),
        (k) => {
          if (st.types.has(k)) st.types.delete(k);
          else st.types.add(k);
        },
        (k) => colour[k],
        (k) => typeCount[k]
      );
    }

    function update() {
      writeHash();
      controls();
      draw();
      overview();
    }

    el('md-prev').onclick = () => {
      const w = st.w1 - st.w0;
      setWindow(st.w0 - 0.8 * w, st.w1 - 0.8 * w);
      update();
    };
    el('md-next').onclick = () => {
      const w = st.w1 - st.w0;
      setWindow(st.w0 + 0.8 * w, st.w1 + 0.8 * w);
      update();
    };
    el('md-in').onclick = () => {
      const c = (st.w0 + st.w1) / 2;
      const w = (st.w1 - st.w0) / 4;
      setWindow(c - w, c + w);
      update();
    };
    el('md-out').onclick = () => {
      const c = (st.w0 + st.w1) / 2;
      const w = st.w1 - st.w0;
      setWindow(c - w, c + w);
      update();
    };
    el('md-fit').onclick = () => {
      fit();
      update();
    };
    const times = () => {
      const a = parseFloat(el('md-from').value);
      const b = parseFloat(el('md-to').value);
      if (isFinite(a) && isFinite(b) && b > a) setWindow(a * 1e6, b * 1e6);
      update();
    };
    el('md-from').onchange = times;
    el('md-to').onchange = times;
    el('md-txn').onchange = () => {
      setTxns(el('md-txn').value.trim().split(/[\s,]+/));
      if (st.txns.length) fit();
      update();
    };
    el('md-clear').onclick = () => {
      setTxns([]);
      st.nodes = new Set();
      st.types = new Set(D.types.keys());
      update();
    };
    window.addEventListener('hashchange', () => {
      if (readHash()) {
        update();
        el('messages').scrollIntoView();
      }
    });
    let resizing = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        draw();
        overview();
      }, 120);
    });

    // ---------------------------------------------------------------- the overview

    const ov = el('md-overview');
    function overview() {
      const W = ov.clientWidth || 1000;
      const H = 46;
      const bins = Math.max(10, Math.floor(W / 3));
      const per = Math.max(1, D.end) / bins;
      const count = new Array(bins).fill(0);
      for (let i = 0; i < n; i++) if (matches(i)) count[Math.min(bins - 1, Math.floor(S[i] / per))]++;
      const max = Math.max(1, ...count);
      const X = (t) => (t / Math.max(1, D.end)) * W;
      let s = '';
      for (const [node, kind, from, to, text] of D.spans) {
        const row = kind === 'down' ? 0 : kind === 'paused' ? 1 : 2;
        s +=
          '<rect x="' + X(from) + '" y="' + (33 + row * 4) + '" width="' + Math.max(1, X(to) - X(from)) +
          '" height="4" fill="' + SPAN_FILL[kind] + '"><title>' + esc(node + ' ' + SPAN_WORD[kind] + ': ' + text) +
          '</title></rect>';
      }
      for (let b = 0; b < bins; b++) {
        if (!count[b]) continue;
        const h = Math.max(1, (30 * count[b]) / max);
        s += '<rect x="' + (b * W) / bins + '" y="' + (31 - h) + '" width="' + Math.max(1, W / bins - 0.5) + '" height="' + h + '" fill="#8a9bb0"/>';
      }
      const x0 = X(st.w0);
      const x1 = Math.max(x0 + 2, X(st.w1));
      s += '<rect x="' + x0 + '" y="0" width="' + (x1 - x0) + '" height="' + H + '" fill="#0072B2" fill-opacity="0.15" stroke="#0072B2"/>';
      s += '<title>All of the run (' + seconds(D.end, 1) + ' s): messages the filters select, faults below. Click or drag to choose the window.</title>';
      ov.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      ov.innerHTML = s;
    }
    let dragFrom = null;
    const ovTime = (e) => {
      const r = ov.getBoundingClientRect();
      return (Math.min(Math.max(0, e.clientX - r.left), r.width) / r.width) * D.end;
    };
    ov.addEventListener('mousedown', (e) => {
      dragFrom = ovTime(e);
      e.preventDefault();
    });
    window.addEventListener('mouseup', (e) => {
      if (dragFrom === null) return;
      const to = ovTime(e);
      const w = st.w1 - st.w0;
      if (Math.abs(to - dragFrom) < D.end / 300) setWindow(to - w / 2, to + w / 2);
      else setWindow(Math.min(dragFrom, to), Math.max(dragFrom, to));
      dragFrom = null;
      update();
    });

    // ---------------------------------------------------------------- the diagram

    const svg = el('md-svg');
    function draw() {
      const sel = selected();
      const drawn = sel.slice(0, DRAW_MAX);
      // Lanes: all of them when nothing is filtered, so the picture keeps its shape; else only the
      // lanes the drawn messages touch, and the chosen nodes'.
      let lanes;
      if (!filtered()) {
        lanes = D.lanes.map((_, j) => j);
      } else {
        const on = new Set();
        for (const i of drawn) {
          on.add(D.f[i]);
          if (D.t[i] >= 0) on.add(D.t[i]);
        }
        D.lanes.forEach((_, j) => {
          if (st.nodes.has(laneNode[j])) on.add(j);
        });
        lanes = [...on].sort((a, b) => a - b);
      }
      const row = new Map(lanes.map((j, r) => [j, r]));
      // Few lanes get room: a transaction's arrows are easier to follow spread out.
      const LANE = Math.round(Math.max(LANE_MIN, Math.min(46, 400 / Math.max(1, lanes.length))));
      const W = Math.max(480, svg.parentElement.clientWidth || 1000);
      const H = TOP + lanes.length * LANE + 8;
      const plotW = W - LEFT - RIGHT;
      const w0 = st.w0;
      const span = st.w1 - st.w0;
      const X = (t) => LEFT + ((t - w0) / span) * plotW;
      const Y = (lane) => TOP + row.get(lane) * LANE + LANE / 2;
      let s = '<defs><clipPath id=md-clip><rect x="' + LEFT + '" y="0" width="' + plotW + '" height="' + H + '"/></clipPath>';
      PALETTE.forEach((c, j) => {
        s += '<marker id=md-h' + j + ' viewBox="0 0 10 10" refX=9 refY=5 markerWidth=7 markerHeight=7 orient=auto-start-reverse><path d="M0,1 L10,5 L0,9 z" fill="' + c + '"/></marker>';
      });
      s += '</defs>';
      // Node groups, shaded in turn; lane lines and names.
      let previousNode = null;
      let shade = false;
      lanes.forEach((j, r) => {
        const y = TOP + r * LANE;
        if (laneNode[j] !== previousNode) {
          shade = !shade;
          previousNode = laneNode[j];
          if (r > 0) s += '<line x1="0" x2="' + (W - RIGHT) + '" y1="' + y + '" y2="' + y + '" stroke="#d8d8d8"/>';
        }
        if (shade) s += '<rect x="0" y="' + y + '" width="' + (W - RIGHT) + '" height="' + LANE + '" fill="#f4f6f8"/>';
        s += '<line x1="' + LEFT + '" x2="' + (W - RIGHT) + '" y1="' + (y + LANE / 2) + '" y2="' + (y + LANE / 2) + '" stroke="#c4c9cf"/>';
        s += '<text x="' + (LEFT - 8) + '" y="' + (y + LANE / 2 + 4) + '" text-anchor=end fill="#333">' + esc(D.lanes[j]) + '</text>';
      });
      // The time axis: ticks at a round step, labelled in seconds with as many decimals as it needs.
      const step = niceCeil(span / 8);
      const decimals = Math.max(0, Math.ceil(-Math.log10(step / 1e6) - 1e-9));
      s += '<g clip-path="url(#md-clip)">';
      for (let t = Math.ceil(w0 / step) * step; t <= st.w1 + 1e-6; t += step) {
        const x = X(t);
        s += '<line x1="' + x + '" x2="' + x + '" y1="' + (TOP - 20) + '" y2="' + H + '" stroke="#eceff2"/>';
      }
      s += '</g>';
      for (let t = Math.ceil(w0 / step) * step; t <= st.w1 + 1e-6; t += step) {
        const x = X(t);
        const label = seconds(t, decimals) + ' s';
        if (x - 3 * label.length < LEFT || x + 3 * label.length > W) continue;
        s += '<text x="' + x + '" y="' + (TOP - 24) + '" text-anchor=middle fill="#555">' + label + '</text>';
      }
      s += '<g clip-path="url(#md-clip)">';
      // Faults on the lanes of their node.
      for (const [node, kind, from, to, text] of D.spans) {
        if (to < w0 || from > st.w1) continue;
        const x0 = X(Math.max(from, w0));
        const x1 = X(Math.min(to, st.w1));
        let first = true;
        lanes.forEach((j, r) => {
          if (laneNode[j] !== node) return;
          s +=
            '<rect x="' + x0 + '" y="' + (TOP + r * LANE + 3) + '" width="' + Math.max(2, x1 - x0) + '" height="' + (LANE - 6) +
            '" fill="' + SPAN_FILL[kind] + '" fill-opacity="' + (kind === 'down' ? 0.28 : 0.2) + '"><title>' +
            esc(node + ' ' + SPAN_WORD[kind] + ' from ' + seconds(from) + ' s to ' + seconds(to) + ' s' + (kind === 'cut' ? ' — ' + text : '')) +
            '</title></rect>';
          if (first && x1 - x0 > 70 && from >= w0) {
            s += '<text x="' + (x0 + 3) + '" y="' + (TOP + r * LANE + 11) + '" fill="#7a3300" font-size="9">' + SPAN_WORD[kind] + '</text>';
          }
          first = false;
        });
      }
      // The simulator's actions (faults, the workload's stop), on the axis.
      let markRight = -Infinity;
      for (const [t, text] of D.marks) {
        if (t < w0 || t > st.w1) continue;
        const x = X(t);
        s += '<line x1="' + x + '" x2="' + x + '" y1="' + (TOP - 14) + '" y2="' + H + '" stroke="#D55E00" stroke-dasharray="4 3"><title>' + esc(text) + '</title></line>';
        const label = text.length > 48 ? text.slice(0, 47) + '…' : text;
        if (x > markRight) {
          s += '<text class=lab x="' + (x + 3) + '" y="' + (TOP - 6) + '" fill="#a33a00"><title>' + esc(text) + '</title>' + esc(label) + '</text>';
          markRight = x + 5.5 * label.length + 8;
        }
      }
      // Messages: arrows, then labels where they do not collide.
      // A label goes where it overlaps no other, and not close to one naming the same type: a
      // fan-out of one request to three replicas is labelled once.
      const boxes = [];
      const free = (x, y, w, k) => {
        for (const b of boxes) {
          if (x < b[0] + b[2] && b[0] < x + w && Math.abs(y - b[1]) < 11) return false;
          if (b[3] === k && Math.abs(x - b[0]) < 60 && Math.abs(y - b[1]) < 3 * LANE) return false;
        }
        return true;
      };
      // Arrows take their type's colour; with several transactions chosen, their transaction's,
      // so the transactions of an anomaly are told apart.
      const byTxn = st.txns.length > 1;
      const txnColour = (i) => {
        const id = D.txns[D.x[i] - 1];
        return st.txns.findIndex((t) => id === t || id.startsWith(t + '.')) % PALETTE.length;
      };
      el('md-legend').innerHTML = byTxn
        ? 'colour: ' + st.txns.map((t, j) => '<i style="background:' + PALETTE[j % PALETTE.length] + '"></i>' + esc(t)).join(' ')
        : '';
      for (const i of drawn) {
        const f = D.f[i];
        const t = D.t[i];
        const c = byTxn && D.x[i] ? txnColour(i) : PALETTE.indexOf(colour[D.k[i]]);
        const x1 = X(S[i]);
        const y1 = Y(f);
        let x2 = X(A[i]);
        let y2;
        const reason = lost[i] >= 0 ? D.reasons[lost[i]] : null;
        if (t < 0) {
          y2 = y1 - LANE * 0.6; // to an address nobody hosts
          x2 = x1 + 8;
        } else if (reason && A[i] === S[i]) {
          y2 = y1 + (Y(t) - y1) * 0.4; // lost on the way, as it left
          x2 = x1 + 10;
        } else {
          y2 = Y(t);
        }
        const type = D.types[D.k[i]];
        const txn = D.x[i] ? D.txns[D.x[i] - 1] : null;
        const title =
          type + '  ' + D.lanes[f] + ' → ' + (t >= 0 ? D.lanes[t] : '(nobody)') + '\nsent ' + seconds(S[i]) + ' s, ' +
          (reason ? 'lost (' + reason + ') at ' : 'arrived ') + seconds(A[i]) + ' s (' + ms(A[i] - S[i]) + ' ms later)' +
          (txn ? '\ntransaction ' + txn + ' — click for all its messages' : '');
        s +=
          '<g class=m data-type="' + esc(type) + '"' + (txn ? ' data-txn="' + esc(txn) + '"' : '') + (reason ? ' data-lost="' + esc(reason) + '"' : '') + '>';
        s += '<title>' + esc(title) + '</title>';
        const dash = reason ? ' stroke-dasharray="5 3"' : '';
        if (f === t && !reason) {
          const lift = Math.min(14, 4 + (x2 - x1) / 3);
          s += '<path d="M' + x1 + ',' + y1 + ' Q' + (x1 + x2) / 2 + ',' + (y1 - lift) + ' ' + x2 + ',' + y2 + '" fill="none" stroke="' + PALETTE[c] + '" stroke-width="1.4" marker-end="url(#md-h' + c + ')"/>';
        } else {
          s += '<line x1="' + x1 + '" y1="' + y1 + '" x2="' + x2 + '" y2="' + y2 + '" stroke="' + PALETTE[c] + '" stroke-width="1.4"' + dash + (reason ? '' : ' marker-end="url(#md-h' + c + ')"') + '/>';
        }
        if (reason) {
          s += '<text x="' + x2 + '" y="' + (y2 + 4) + '" text-anchor=middle font-size="13" font-weight="700" fill="#000">✗</text>';
        }
        // The label sits on the arrow where it crosses the boundary between two lanes nearest its
        // middle, so it never lies on a lane it has nothing to do with.
        const lw = 5.6 * type.length + 4;
        let ly = (y1 + y2) / 2;
        if (Math.abs(y2 - y1) > LANE) {
          ly = TOP + Math.round((ly - TOP) / LANE) * LANE;
        }
        const lx = (y2 === y1 ? (x1 + x2) / 2 : x1 + ((x2 - x1) * (ly - y1)) / (y2 - y1)) - lw / 2;
        if (lx > LEFT && lx + lw < W - RIGHT && free(lx, ly, lw, D.k[i])) {
          boxes.push([lx, ly, lw, D.k[i]]);
          s += '<text class=lab x="' + (lx + lw / 2) + '" y="' + (ly + 3) + '" text-anchor=middle fill="' + PALETTE[c] + '">' + esc(type) + '</text>';
        }
        s += '</g>';
      }
      s += '</g>';
      svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      svg.setAttribute('height', H);
      svg.innerHTML = s;
      const total = sel.length;
      el('md-count').textContent = total.toLocaleString('en') + ' messages in this window' + (filtered() ? ' selected by the filters' : '');
      status.textContent =
        total === 0
          ? 'No message in this window' + (filtered() ? ' matches the filters.' : '.')
          : total > DRAW_MAX
            ? 'Drawing the first ' + DRAW_MAX.toLocaleString('en') + ' of ' + total.toLocaleString('en') + ' — narrow the window or the filters to see every arrow.'
            : '';
    }
    svg.addEventListener('click', (e) => {
      const g = e.target.closest('.m');
      if (!g || !g.dataset.txn) return;
      const id = g.dataset.txn;
      setTxns([id.slice(0, id.lastIndexOf('.') > id.lastIndexOf(':') ? id.lastIndexOf('.') : id.length)]);
      fit();
      update();
    });

    let note = '';
    if (!readHash()) note = defaultView();
    else el('messages').scrollIntoView();
    controls();
    draw();
    overview();
    if (note && !status.textContent) status.textContent = note;
    root.dataset.ready = 'true';
  }
})();

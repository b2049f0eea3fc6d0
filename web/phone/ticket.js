/*
 * A ticket's live page, /t/{id}: the ticket's status from
 * GET /api/v1/tickets/{id} (src/api/tickets.rs, TicketStatus), read once
 * the public event stream has caught up, again whenever the stream says
 * something that may move it, and on every reconnection, as when the
 * phone wakes and shows the page again. The stream is opened from now
 * (`from=now`): nothing of the day is replayed, since reading the ticket
 * tells all of it; a thousand phones opening at once cost the hub a
 * thousand small reads. The hub decides everything shown: the state, the
 * people ahead, whether the call is near (`soon`) and until when a missed
 * ticket may be put back in line; the page only says it, and sounds the
 * alarms once per occasion: three or fewer ahead, called, called again.
 * `yimen bench phones` (src/bench/phones.rs) follows tickets as this page
 * does: keep the two alike.
 */
(function () {
  'use strict';
  var Y = window.Yimen;
  var $ = Y.$;
  var MAX_BACKOFF_MS = 5000;
  var HEARTBEAT_MS = 15000;
  var id = decodeURIComponent(location.pathname.split('/').pop() || '');
  var ticket = null;
  var live = false;
  var socket = null;
  var attempts = 0;
  var retryTimer = null;
  var loadTimer = null;
  var given = {};
  var audio = null;
  var record = { alerts: [], loads: 0 };
  window.yimenTicket = record;

  // ---- what each state says: words and a mark, never colour alone ----

  function hhmm(stamp) { return typeof stamp === 'string' ? stamp.substr(11, 5) : ''; }

  function says(t) {
    switch (t.state) {
      case 'waiting':
        return t.soon
          ? { mark: '！', words: '快到您了', cls: 'state-soon', advice: '请到等候区留意叫号，不要走远。' }
          : { mark: '…', words: '排队等候中', cls: '', advice: '叫号前本页会提醒您，可先在大厅休息。' };
      case 'called':
        return { mark: '→', words: '请到 ' + t.counter + ' 号窗口', cls: 'state-called',
          advice: (t.counter_name || t.counter + ' 号窗口') + ' 正在叫您的号，请尽快前往。' };
      case 'serving':
        return { mark: '●', words: '正在 ' + t.counter + ' 号窗口办理', cls: '', advice: '' };
      case 'finished':
        return { mark: '✓', words: '已办结', cls: 'state-finished', advice: '感谢您的耐心等候。' };
      case 'no_show':
        return { mark: '✗', words: '已过号', cls: 'state-called', advice: t.reactivate_until
          ? '请于 ' + hhmm(t.reactivate_until) + ' 前凭本号票到取号机（过号恢复）或综合受理窗口恢复排队；超过时间请重新取号。'
          : '请到综合受理窗口咨询。' };
      default:
        return { mark: '✗', words: '号票已失效', cls: '', advice: '当日营业已结束，请重新取号。' };
    }
  }

  function show(t) {
    var s = says(t);
    $('number').textContent = t.number;
    $('queue').textContent = t.queue_name + (t.service_name ? ' · ' + t.service_name : '');
    $('state-mark').textContent = s.mark;
    $('state').textContent = s.words;
    $('state').className = s.cls;
    document.body.setAttribute('data-state', t.state);
    $('advice').textContent = s.advice;
    var waiting = t.state === 'waiting';
    $('ahead-row').hidden = !waiting;
    $('wait-row').hidden = !waiting;
    $('ahead').textContent = t.ahead === null ? '' : t.ahead + ' 人';
    $('wait').textContent = t.estimated_wait_minutes ? '约 ' + t.estimated_wait_minutes + ' 分钟' : '即将叫号';
    var atCounter = t.state === 'called' || t.state === 'serving';
    $('counter-row').hidden = !atCounter;
    $('counter').textContent = atCounter ? (t.counter_name || t.counter + ' 号窗口') : '';
    $('remind').hidden = !(waiting || t.state === 'called');
    var finished = t.state === 'finished';
    $('rate').hidden = !finished || t.rated;
    $('rated').hidden = !finished || !t.rated;
    banner(t);
  }

  function banner(t) {
    var box = $('alert');
    if (t.state === 'called') {
      box.className = 'banner';
      box.textContent = '叫到您了！请到 ' + t.counter + ' 号窗口办理';
    } else if (t.state === 'waiting' && t.soon) {
      box.className = 'banner soon';
      box.textContent = '快到您了：前面还有 ' + t.ahead + ' 人，请留意叫号';
    } else {
      box.textContent = '';
    }
    box.hidden = !box.textContent;
  }

  // ---- the alarms: vibration, a beep, a notification; once per occasion ----

  function beep(kind) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return false;
    try {
      if (!audio) audio = new Context();
      if (audio.state === 'suspended' && audio.resume) audio.resume();
      var notes = kind === 'soon' ? [660] : [880, 660, 880];
      notes.forEach(function (freq, i) {
        var t = audio.currentTime + i * 0.35;
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.6, t + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(t);
        osc.stop(t + 0.32);
      });
      return true;
    } catch (err) { return false; }
  }

  function alarm(kind, key, text) {
    if (given[key]) return;
    given[key] = true;
    var done = { kind: kind, text: text, vibrate: false, sound: false, notification: false };
    if (navigator.vibrate) {
      try { navigator.vibrate(kind === 'soon' ? [300] : [500, 200, 500, 200, 500]); done.vibrate = true; } catch (err) { /* not allowed */ }
    }
    done.sound = beep(kind);
    if (window.Notification && Notification.permission === 'granted') {
      try {
        new Notification(kind === 'soon' ? '快到您了' : '叫到您了', { body: text, tag: 'yimen-' + id });
        done.notification = true;
      } catch (err) { /* a phone that shows notifications only from a service worker */ }
    }
    record.alerts.push(done);
  }

  function announce(t) {
    if (t.state === 'called') {
      alarm('called', 'called:' + t.called_at, '请到 ' + t.counter + ' 号窗口办理（' + t.number + '）');
    } else if (t.state === 'waiting' && t.soon) {
      alarm('soon', 'soon', '前面还有 ' + t.ahead + ' 人，请留意叫号（' + t.number + '）');
    }
  }

  // ---- the status: read now, or soon after a burst of events ----

  function load() {
    clearTimeout(loadTimer);
    loadTimer = null;
    Y.request('GET', '/api/v1/tickets/' + encodeURIComponent(id), null, function (status, t) {
      record.loads += 1;
      if (status === 200 && t) {
        ticket = t;
        show(t);
        announce(t);
      } else if (status === 404) {
        $('state').textContent = '没有找到这张号票';
        $('advice').textContent = '请核对号票上的二维码，或到服务台咨询。';
      }
    });
  }
  function loadSoon() {
    if (loadTimer === null) loadTimer = setTimeout(load, 200 + Math.random() * 300);
  }

  /* Whether a public event may change this ticket: its own number, or,
     while it waits, a call or a newcomer in its queue. */
  function moves(e) {
    if (!ticket) return true;
    if (e.number === ticket.number || e.kind === 'day_rolled_over') return true;
    if (ticket.state !== 'waiting') return false;
    switch (e.kind) {
      case 'ticket_called': return e.queue === ticket.queue;
      case 'ticket_issued': return e.priority && e.queue === ticket.queue;
      case 'ticket_transferred': return e.to_queue === ticket.queue;
      case 'ticket_reactivated': return true;
      default: return false;
    }
  }

  function take(text) {
    var m;
    try { m = JSON.parse(text); } catch (err) { return; }
    if (!m || typeof m.seq !== 'number') return;
    if (m.type === 'caught_up') {
      live = true;
      attempts = 0;
      $('offline').hidden = true;
      load();
      return;
    }
    var e = m.event;
    if (!live || !e || typeof e.kind !== 'string') return;
    if (e.kind === 'ticket_recalled' && ticket && e.number === ticket.number) {
      given['called:' + ticket.called_at] = false;
    }
    if (moves(e)) {
      if (ticket && e.number === ticket.number) load(); else loadSoon();
    }
  }

  // ---- the stream: reconnect for ever, and at once when the phone wakes ----

  function connect() {
    retryTimer = null;
    live = false;
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/v1/events?from=now';
    var ws;
    try { ws = new WebSocket(url); } catch (err) { retry(); return; }
    socket = ws;
    ws.onmessage = function (m) { if (ws === socket) take(m.data); };
    ws.onclose = function () {
      if (ws !== socket) return;
      socket = null;
      $('offline').hidden = false;
      // No stream to wait for, such as every place on the hub taken: the
      // ticket is shown all the same.
      if (!ticket) load();
      retry();
    };
  }
  function retry() {
    if (retryTimer !== null) return;
    var delay = Math.min(MAX_BACKOFF_MS, 250 * Math.pow(2, attempts));
    attempts += 1;
    retryTimer = setTimeout(connect, delay + Math.random() * 250);
  }
  /* A phone that slept may hold a socket whose peer is long gone: drop it
     and start afresh, reading the ticket again once caught up. */
  function wake() {
    if (document.visibilityState === 'hidden') return;
    if (socket) {
      var old = socket;
      socket = null;
      old.onclose = null;
      try { old.close(); } catch (err) { /* already gone */ }
    }
    clearTimeout(retryTimer);
    retryTimer = null;
    connect();
  }
  document.addEventListener('visibilitychange', wake);
  window.addEventListener('pageshow', function (ev) { if (ev.persisted) wake(); });
  window.addEventListener('online', wake);
  setInterval(function () {
    if (socket && socket.readyState === 1) {
      try { socket.send('ping'); } catch (err) { /* close follows */ }
    }
  }, HEARTBEAT_MS);

  // ---- reminders and the rating ----

  $('enable-alerts').addEventListener('click', function () {
    beep('soon');
    var on = function () { $('alerts-on').hidden = false; };
    if (window.Notification && Notification.requestPermission) {
      var asked = Notification.requestPermission(on);
      if (asked && asked.then) asked.then(on, on);
    } else {
      on();
    }
  });

  Y.ratingForm($('rating-form'), function (score, comment, done) {
    var body = { ticket: id, score: score };
    if (comment) body.comment = comment;
    Y.request('POST', '/api/v1/ratings', body, function (status, answer) {
      var already = status === 409 && answer && answer.error && answer.error.code === 'already_rated';
      done(status === 201 || already, Y.refusal(status, answer));
    });
  }, function () {
    if (ticket) { ticket.rated = true; show(ticket); }
  });

  connect();
})();

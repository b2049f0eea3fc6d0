/*
 * Booking a time at the hall (预约取号), /b, in five steps on one page:
 * a bookable service (GET /api/v1/appointments/services, searched by name
 * here and by pinyin through GET /api/v1/services/search), its guide as the
 * kiosk tells it (一次告知, from GET /api/v1/services), a day and a free
 * slot (GET /api/v1/appointments/slots), the applicant (name, ID number,
 * phone), and the booking (POST /api/v1/appointments): its code, a QR of
 * it drawn by the hub (/b/qr/{code}.svg), when to check in, what to bring
 * and until when it may be cancelled. The ID number's check digit is
 * checked here as the hub checks it, so that a typing slip is told at
 * once; the hub decides everything else and the page says its words. The
 * phone's back button goes back one step.
 */
(function () {
  'use strict';
  var Y = window.Yimen;
  var $ = Y.$;
  var STEPS = ['service', 'guide', 'slot', 'form', 'done'];
  var TITLES = { service: '选择事项', guide: '阅读办事须知', slot: '选择日期和时段', form: '填写预约人信息', done: '预约完成' };
  var WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
  var SEARCH_FROM = 6;
  var SEARCH_DELAY_MS = 250;
  /* GB 11643-1999: the weights of the first 17 digits and the check
     character for each remainder modulo 11; the province-level regions. */
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = '10X98765432';
  var PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82];

  var services = [];
  var guides = {};
  var chosen = { service: null, days: [], day: null, slot: null };
  var searchTimer = null;
  var searchAsked = 0;
  var record = { step: 'service', booking: null, slotLoads: 0 };
  window.yimenBook = record;

  // ---- small helpers ----

  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function day(iso) {
    var p = iso.split('-');
    var weekday = new Date(Date.UTC(Number(p[0]), Number(p[1]) - 1, Number(p[2]))).getUTCDay();
    return { date: Number(p[1]) + '月' + Number(p[2]) + '日', weekday: WEEKDAYS[weekday] };
  }
  function dayWords(iso) { var d = day(iso); return d.date + ' ' + d.weekday; }
  function copies(m) {
    if (!m.originals && !m.copies) return '按需提供';
    if (!m.copies) return '原件 ' + m.originals + ' 份';
    if (!m.originals) return '复印件 ' + m.copies + ' 份';
    return '原件 ' + m.originals + ' 份，复印件 ' + m.copies + ' 份';
  }

  // ---- steps ----

  function go(step, push) {
    STEPS.forEach(function (s) { $('step-' + s).hidden = s !== step; });
    record.step = step;
    $('progress').textContent = '第 ' + (STEPS.indexOf(step) + 1) + ' 步（共 5 步）：' + TITLES[step];
    if (push) history.pushState({ step: step }, '');
    window.scrollTo(0, 0);
  }

  function back() { history.back(); }

  window.addEventListener('popstate', function (ev) {
    var step = ev.state && ev.state.step;
    var ready = { service: true, guide: !!chosen.service, slot: !!chosen.service,
      form: !!chosen.slot && !record.booking, done: !!record.booking };
    go(ready[step] ? step : 'service', false);
    if (step === 'slot' && ready.slot) loadSlots();
  });

  // ---- step 1: the service ----

  function loadServices() {
    var pending = 2;
    var failed = null;
    function done() {
      pending -= 1;
      if (pending) return;
      if (failed) { $('services-note').textContent = failed; return; }
      $('search-field').hidden = services.length <= SEARCH_FROM;
      showServices(services);
    }
    Y.request('GET', '/api/v1/appointments/services', null, function (status, list) {
      if (status === 200 && list) services = list; else failed = Y.refusal(status, list);
      done();
    });
    Y.request('GET', '/api/v1/services', null, function (status, catalogue) {
      if (status === 200 && catalogue) {
        catalogue.services.forEach(function (g) { guides[g.code] = g; });
        catalogue.departments.forEach(function (d) { guides['dept:' + d.code] = d.name; });
      } else {
        failed = Y.refusal(status, catalogue);
      }
      done();
    });
  }

  function showServices(list) {
    var ul = $('service-list');
    clear(ul);
    list.forEach(function (s) {
      var button = el('button', 'choice');
      button.type = 'button';
      button.setAttribute('data-service', s.code);
      button.appendChild(el('span', 'choice-name', s.name));
      button.appendChild(el('span', 'choice-note', s.queue_name + ' · ' + s.code));
      button.addEventListener('click', function () { showGuide(s); });
      var li = el('li');
      li.appendChild(button);
      ul.appendChild(li);
    });
    $('services-note').textContent = list.length
      ? (list.length < services.length ? '找到 ' + list.length + ' 个事项' : '共 ' + list.length + ' 个事项可预约')
      : '没有找到可预约的事项，请换个说法，或到大厅现场取号。';
  }

  /* Names, codes, queues and the words people say, here; pinyin and
     initials by the hub's search, whose answer joins in when it comes. */
  function search() {
    var q = $('service-search').value.trim().toLowerCase();
    if (!q) { showServices(services); return; }
    var local = services.filter(function (s) {
      var g = guides[s.code] || { aliases: [] };
      return [s.name, s.code, s.queue_name].concat(g.aliases).some(function (w) {
        return w.toLowerCase().indexOf(q) >= 0;
      });
    });
    showServices(local);
    var asked = ++searchAsked;
    Y.request('GET', '/api/v1/services/search?q=' + encodeURIComponent(q), null, function (status, found) {
      if (asked !== searchAsked || status !== 200 || !found) return;
      var codes = found.services.map(function (g) { return g.code; });
      showServices(services.filter(function (s) {
        return local.indexOf(s) >= 0 || codes.indexOf(s.code) >= 0;
      }));
    });
  }

  $('service-search').addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, SEARCH_DELAY_MS);
  });

  // ---- step 2: the guide, told at once ----

  function materialItem(m) {
    var li = el('li');
    li.appendChild(el('span', m.required ? 'tag tag-required' : 'tag tag-maybe', m.required ? '必需' : '视情况'));
    li.appendChild(el('span', 'material-name', m.name));
    li.appendChild(el('span', 'note material-copies', copies(m)));
    if (m.notes) li.appendChild(el('span', 'note material-notes', m.notes));
    return li;
  }

  function fillMaterials(ul, guide) {
    clear(ul);
    (guide ? guide.materials : []).forEach(function (m) { ul.appendChild(materialItem(m)); });
  }

  function showGuide(s) {
    chosen.service = s;
    chosen.slot = null;
    record.booking = null;
    var g = guides[s.code];
    $('guide-name').textContent = s.name;
    $('guide-meta').textContent = (g ? (guides['dept:' + g.department] || g.department) + ' · ' : '') +
      s.code + ' · 排队：' + s.queue_name;
    fillMaterials($('guide-materials'), g);
    clear($('guide-conditions'));
    (g ? g.conditions : []).forEach(function (c) { $('guide-conditions').appendChild(el('li', '', c)); });
    $('guide-limit').textContent = !g ? '' : g.kind === 'immediate'
      ? '即来即办（法定时限 ' + g.statutory_days + ' 个工作日）'
      : '承诺 ' + g.promised_days + ' 个工作日办结（法定 ' + g.statutory_days + ' 个工作日）';
    $('guide-fees').textContent = g ? '收费：' + g.fees : '';
    $('guide-visits').textContent = g ? (g.visits === 0 ? '零跑动' : '最多跑 ' + g.visits + ' 次') : '';
    $('guide-place').textContent = g ? '地点：' + g.place : '';
    $('guide-hours').textContent = g ? '时间：' + g.hours : '';
    $('guide-phone').textContent = g ? '咨询电话：' + g.phone : '';
    $('guide-notes-card').hidden = !(g && g.notes);
    $('guide-notes').textContent = g && g.notes ? g.notes : '';
    go('guide', true);
  }

  $('to-slots').addEventListener('click', function () {
    $('slot-error').textContent = '';
    go('slot', true);
    loadSlots();
  });

  // ---- step 3: a day and a free slot ----

  function loadSlots() {
    var code = chosen.service.code;
    $('slot-service').textContent = chosen.service.name;
    Y.request('GET', '/api/v1/appointments/slots?service=' + encodeURIComponent(code), null, function (status, answer) {
      record.slotLoads += 1;
      if (status !== 200 || !answer) {
        $('slot-error').textContent = Y.refusal(status, answer);
        return;
      }
      chosen.days = answer.days;
      var open = answer.days.filter(function (d) { return free(d) > 0; });
      var still = open.filter(function (d) { return d.date === chosen.day; });
      chosen.day = still.length ? still[0].date : (open.length ? open[0].date : null);
      $('no-days').hidden = open.length > 0;
      showDays();
      showSlots();
    });
  }

  function free(d) { return d.slots.reduce(function (n, s) { return n + s.free; }, 0); }

  /* A day's or a slot's button: its first line in pieces that each stay
     whole, then a note. */
  function choiceButton(cls, pieces, note, full, selected) {
    var button = el('button', cls + (full ? ' full' : ''));
    button.type = 'button';
    var name = el('span', 'choice-name');
    pieces.forEach(function (piece, i) {
      if (i) name.appendChild(document.createTextNode(' '));
      name.appendChild(el('span', 'whole', piece));
    });
    button.appendChild(name);
    button.appendChild(el('span', 'choice-note', note));
    if (full) button.disabled = true;
    button.setAttribute('aria-pressed', selected ? 'true' : 'false');
    return button;
  }

  function showDays() {
    var box = $('days');
    clear(box);
    chosen.days.forEach(function (d) {
      var n = free(d);
      var words = day(d.date);
      var selected = d.date === chosen.day;
      var button = choiceButton('day', [(selected ? '✓' : '') + words.date, words.weekday],
        n ? '余 ' + n + ' 个' : '已约满', !n, selected);
      button.setAttribute('data-date', d.date);
      button.addEventListener('click', function () { chosen.day = d.date; showDays(); showSlots(); });
      box.appendChild(button);
    });
  }

  function showSlots() {
    var box = $('slots');
    clear(box);
    var today = chosen.days.filter(function (d) { return d.date === chosen.day; })[0];
    (today ? today.slots : []).forEach(function (s) {
      var full = s.free <= 0;
      var button = choiceButton('slot', [s.start + '–' + s.end], full ? '已约满' : '余 ' + s.free + ' 个', full, false);
      button.setAttribute('data-start', s.start);
      button.addEventListener('click', function () {
        if (full) return;
        chosen.slot = { date: today.date, start: s.start, end: s.end };
        showForm();
      });
      box.appendChild(button);
    });
  }

  // ---- step 4: who comes ----

  /* What is wrong with an ID number as typed, in the hub's words, or ''. */
  function idProblem(text) {
    var id = text.replace(/\s+/g, '').toUpperCase();
    if (id.length !== 18) return '身份证号码应为 18 位';
    if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码前 17 位应为数字，最后一位为数字或 X';
    if (PROVINCES.indexOf(Number(id.substr(0, 2))) < 0) return '身份证号码地区码不正确';
    var y = Number(id.substr(6, 4));
    var m = Number(id.substr(10, 2));
    var d = Number(id.substr(12, 2));
    var birth = new Date(Date.UTC(y, m - 1, d));
    if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
      return '身份证号码出生日期不正确';
    }
    var sum = 0;
    for (var i = 0; i < 17; i += 1) sum += Number(id.charAt(i)) * WEIGHTS[i];
    if (id.charAt(17) !== CHECK.charAt(sum % 11)) return '身份证号码校验位不正确，请核对';
    return '';
  }

  function phoneProblem(text) {
    var phone = text.replace(/\s+/g, '');
    var digits = phone.replace(/\D/g, '').length;
    var mobile = /^1\d{10}$/.test(phone);
    var landline = /^[\d-]+$/.test(phone) && digits >= 7 && digits <= 12;
    return mobile || landline ? '' : '联系电话应为手机号或座机号';
  }

  function showForm() {
    $('form-service').textContent = chosen.service.name;
    $('form-date').textContent = dayWords(chosen.slot.date);
    $('form-time').textContent = chosen.slot.start + '–' + chosen.slot.end;
    $('form-error').textContent = '';
    $('slot-error').textContent = '';
    go('form', true);
  }

  /* Says what is wrong with a field beside it, marked for screen
     readers too; true when nothing is. */
  function told(field, problem) {
    $(field + '-error').textContent = problem;
    $(field === 'id' ? 'id-number' : field).setAttribute('aria-invalid', problem ? 'true' : 'false');
    return !problem;
  }

  $('id-number').addEventListener('blur', function () {
    var typed = $('id-number').value.trim();
    told('id', typed ? idProblem(typed) : '');
  });

  $('applicant').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var name = $('name').value.trim();
    var id = $('id-number').value.replace(/\s+/g, '').toUpperCase();
    var phone = $('phone').value.replace(/\s+/g, '');
    var right = [told('name', name ? '' : '请填写姓名'), told('id', idProblem(id)), told('phone', phoneProblem(phone))];
    $('form-error').textContent = '';
    var first = right.indexOf(false);
    if (first >= 0) {
      $(['name', 'id-number', 'phone'][first]).focus();
      return;
    }
    $('confirm').disabled = true;
    var body = { service: chosen.service.code, date: chosen.slot.date, start: chosen.slot.start,
      name: name, id_number: id, phone: phone };
    Y.request('POST', '/api/v1/appointments', body, function (status, answer) {
      $('confirm').disabled = false;
      if (status === 201 && answer) { booked(answer); return; }
      refused(status, answer);
    });
  });

  /* The slot went meanwhile, or was never one: choose again from what is
     free now. Anything else is the applicant's to fix here. */
  function refused(status, answer) {
    var code = answer && answer.error ? answer.error.code : '';
    if (code === 'slot_full' || code === 'invalid_slot') {
      chosen.slot = null;
      $('slot-error').textContent = Y.refusal(status, answer);
      history.back();
      return;
    }
    $('form-error').textContent = Y.refusal(status, answer);
  }

  // ---- step 5: the booking ----

  function booked(b) {
    record.booking = b;
    $('code').textContent = b.code;
    $('qr').src = '/b/qr/' + encodeURIComponent(b.code) + '.svg';
    $('qr').alt = '预约码 ' + b.code + ' 的二维码';
    $('done-service').textContent = b.service_name;
    $('done-date').textContent = dayWords(b.date);
    $('done-time').textContent = b.start + '–' + b.end;
    $('done-name').textContent = b.name;
    $('checkin').textContent = '请于 ' + b.checkin_from + '–' + b.checkin_until + ' 到大厅自助机「预约签到」';
    fillMaterials($('done-materials'), guides[b.service]);
    var until = b.cancel_until;
    $('cancel-until').textContent = '如不能按时前来，请于 ' + dayWords(until.substr(0, 10)) + ' ' +
      until.substr(11, 5) + ' 前取消预约：输入预约码和身份证号码后四位即可。';
    $('cancel-link').href = '/b/cancel?code=' + encodeURIComponent(b.code);
    $('applicant').reset();
    go('done', true);
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-back]'), function (b) {
    b.addEventListener('click', back);
  });

  history.replaceState({ step: 'service' }, '');
  loadServices();
})();

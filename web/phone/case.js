/*
 * A case's progress, /c: asked of POST /api/v1/case-status with the case
 * number and the last four characters of the applicant's ID number or
 * phone, answered as CaseProgressView (src/api/phone.rs). The hub says the
 * same for an unknown number and a wrong last four, and brakes guessing;
 * the page shows its words. A final case is rated once, with the same
 * proof. The number may come in the address (?case=…); the last four never
 * do.
 */
(function () {
  'use strict';
  var Y = window.Yimen;
  var $ = Y.$;
  var MARKS = {
    awaiting_materials: '！', refused: '✗', accepted: '…', in_review: '…', correction: '！',
    ready_for_pickup: '✓', stage_ready: '✓', to_be_mailed: '✓', rejected: '✗', collected: '✓', mailed: '✓'
  };
  var proof = null;
  var shown = null;

  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function item(text) { var li = document.createElement('li'); li.textContent = text; return li; }
  function date(iso) {
    var p = iso.split('-');
    return Number(p[0]) + '年' + Number(p[1]) + '月' + Number(p[2]) + '日';
  }

  function show(c) {
    shown = c;
    $('result').hidden = false;
    $('number').textContent = c.number;
    $('service').textContent = c.service_name;
    $('state-mark').textContent = MARKS[c.standing] || '';
    $('words').textContent = c.words;
    document.body.setAttribute('data-standing', c.standing);
    $('promised-row').hidden = !c.promised_on;
    $('promised').textContent = c.promised_on ? date(c.promised_on) : '';
    $('reason').hidden = !c.reason;
    $('reason').textContent = c.reason ? '原因：' + c.reason : '';
    $('correction').hidden = !c.correction.length;
    clear($('correction-items'));
    c.correction.forEach(function (text) { $('correction-items').appendChild(item(text)); });
    $('pickup').hidden = !c.pickup;
    $('pickup-where').textContent = c.pickup ? c.pickup.windows.join('、') : '';
    $('pickup-hours').textContent = c.pickup ? '办公时间：' + c.pickup.hours : '';
    $('stages').hidden = !c.stages.length;
    clear($('stage-list'));
    c.stages.forEach(function (s) {
      var li = item(s.name + '：' + s.words);
      if (s.departments.length) {
        var ul = document.createElement('ul');
        ul.className = 'plain';
        s.departments.forEach(function (d) { ul.appendChild(item(d.department + ' — ' + d.words)); });
        li.appendChild(ul);
      }
      $('stage-list').appendChild(li);
    });
    $('rate').hidden = !c.may_rate;
    $('rated').hidden = !c.rated;
  }

  $('lookup').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var number = $('case-number').value.replace(/\s+/g, '');
    var four = $('last-four').value.trim();
    if (!/^\d{12}$/.test(number) || four.length !== 4) {
      $('lookup-error').textContent = '请输入 12 位办件编号和 4 位号码';
      return;
    }
    $('lookup-error').textContent = '';
    Y.request('POST', '/api/v1/case-status', { case: number, last_four: four }, function (status, c) {
      if (status === 200 && c) {
        proof = { case: number, last_four: four };
        show(c);
        $('result').scrollIntoView();
      } else {
        proof = null;
        $('result').hidden = true;
        $('lookup-error').textContent = Y.refusal(status, c);
      }
    });
  });

  Y.ratingForm($('rating-form'), function (score, comment, done) {
    if (!proof) { done(false, '请先查询办件'); return; }
    var body = { case: proof.case, last_four: proof.last_four, score: score };
    if (comment) body.comment = comment;
    Y.request('POST', '/api/v1/ratings', body, function (status, answer) {
      var already = status === 409 && answer && answer.error && answer.error.code === 'already_rated';
      done(status === 201 || already, Y.refusal(status, answer));
    });
  }, function () {
    if (shown) { shown.rated = true; shown.may_rate = false; show(shown); }
  });

  var asked = /[?&]case=(\d{12})(?:&|$)/.exec(location.search);
  if (asked) $('case-number').value = asked[1];
  window.yimenCase = { shown: function () { return shown; } };
})();

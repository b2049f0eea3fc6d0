/*
 * Cancelling a booking, /b/cancel: the booking code and the last four
 * characters of the applicant's ID number, asked of
 * POST /api/v1/appointments/cancel. The hub says the same for an unknown
 * code and wrong digits, brakes guessing, and refuses past the deadline;
 * the page says its words. The code may come in the address (?code=…),
 * as the booking page links it; the digits never do.
 */
(function () {
  'use strict';
  var Y = window.Yimen;
  var $ = Y.$;
  var WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
  var record = { cancelled: null };
  window.yimenCancel = record;

  function dayWords(iso) {
    var p = iso.split('-');
    var weekday = new Date(Date.UTC(Number(p[0]), Number(p[1]) - 1, Number(p[2]))).getUTCDay();
    return Number(p[1]) + '月' + Number(p[2]) + '日 ' + WEEKDAYS[weekday];
  }

  function show(b) {
    record.cancelled = b;
    $('cancelled-code').textContent = b.code;
    $('cancelled-service').textContent = b.service_name;
    $('cancelled-date').textContent = dayWords(b.date);
    $('cancelled-time').textContent = b.start + '–' + b.end;
    $('cancel').hidden = true;
    $('cancelled').hidden = false;
  }

  $('cancel').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var code = $('code').value.replace(/\s+/g, '');
    var four = $('id-last4').value.replace(/\s+/g, '').toUpperCase();
    if (!/^\d{8}$/.test(code)) { $('cancel-error').textContent = '请输入 8 位数字的预约码'; return; }
    if (!/^\d{3}[\dX]$/.test(four)) { $('cancel-error').textContent = '请输入身份证号码后四位（数字，最后一位可为 X）'; return; }
    $('cancel-error').textContent = '';
    $('cancel-button').disabled = true;
    Y.request('POST', '/api/v1/appointments/cancel', { code: code, id_last4: four }, function (status, b) {
      $('cancel-button').disabled = false;
      if (status === 200 && b) show(b); else $('cancel-error').textContent = Y.refusal(status, b);
    });
  });

  var asked = /[?&]code=(\d{8})(?:&|$)/.exec(location.search);
  if (asked) $('code').value = asked[1];
})();

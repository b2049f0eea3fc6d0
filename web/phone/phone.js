/*
 * What both phone pages share: the large-text switch (remembered on the
 * phone), talking to the hub, and the 好差评 form. Loaded in <head>, so the
 * page is drawn at the chosen size from the start. Written for old phone
 * browsers: no modules, no build step.
 */
(function () {
  'use strict';
  var LARGE_KEY = 'yimen-large-text';

  function large() {
    try { return localStorage.getItem(LARGE_KEY) === '1'; } catch (err) { return false; }
  }
  function applyLarge(on) {
    document.documentElement.classList.toggle('large', on);
    var button = document.getElementById('large-text');
    if (button) button.setAttribute('aria-pressed', on ? 'true' : 'false');
  }
  applyLarge(large());

  function $(id) { return document.getElementById(id); }

  /* A JSON request to the hub; `done(status, body)` with body null when
     the answer is not JSON (the network failed: status 0). */
  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.timeout = 10000;
    if (body !== null) xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onload = function () {
      var value = null;
      try { value = JSON.parse(xhr.responseText); } catch (err) { value = null; }
      done(xhr.status, value);
    };
    xhr.onerror = xhr.ontimeout = function () { done(0, null); };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  /* The hub's words for a refusal, or ours when it said nothing. */
  function refusal(status, body) {
    if (body && body.error && body.error.message) return body.error.message;
    return status === 0 ? '网络连接失败，请稍后重试' : '操作未成功，请稍后重试';
  }

  /* Wires a 好差评 form: a score from 1 to 5 with its official label, a
     comment required for 1 and 2. `send(score, comment, done)` posts it;
     `done(ok, message)` shows the outcome. */
  function ratingForm(form, send, rated) {
    var error = form.querySelector('.error');
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var picked = form.querySelector('input[name="score"]:checked');
      var comment = form.querySelector('textarea').value.trim();
      if (!picked) { error.textContent = '请选择您的评价'; return; }
      var score = Number(picked.value);
      if (score <= 2 && !comment) {
        error.textContent = '选择“不满意”或“非常不满意”时，请写下原因，便于我们整改';
        form.querySelector('textarea').focus();
        return;
      }
      error.textContent = '';
      form.querySelector('button[type="submit"]').disabled = true;
      send(score, comment, function (ok, message) {
        form.querySelector('button[type="submit"]').disabled = false;
        if (ok) rated(); else error.textContent = message;
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    applyLarge(large());
    var button = $('large-text');
    if (button) {
      button.addEventListener('click', function () {
        var on = !document.documentElement.classList.contains('large');
        try { localStorage.setItem(LARGE_KEY, on ? '1' : '0'); } catch (err) { /* kept for this visit only */ }
        applyLarge(on);
      });
    }
  });

  window.Yimen = { $: $, request: request, refusal: refusal, ratingForm: ratingForm };
})();

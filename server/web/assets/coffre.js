// Enhancements only: every page works without this file. Loaded with
// `defer` from the vault itself, as the Content Security Policy requires.
(function () {
  'use strict';

  // Warn this long before the session expires.
  var WARNING_MS = 5 * 60 * 1000;

  function formatTime(date) {
    return date.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });
  }

  // The page states the expiry time; here a live region repeats it a few
  // minutes before, then states when the session has expired.
  function watchSessionExpiry() {
    var notice = document.getElementById('session-expiry');
    var region = document.getElementById('session-warning');
    if (!notice || !region) return;
    var expiresAt = new Date(notice.getAttribute('data-expires-at'));
    if (isNaN(expiresAt.getTime())) return;

    var warnIn = expiresAt.getTime() - Date.now() - WARNING_MS;
    window.setTimeout(function () {
      region.textContent = 'Votre session se ferme à ' + formatTime(expiresAt) +
        '. Pour rester connecté, rechargez la page ou continuez ce que vous faites.';
    }, Math.max(warnIn, 0));
    window.setTimeout(function () {
      region.textContent = 'Votre session est fermée. Identifiez-vous à nouveau pour continuer.';
    }, Math.max(expiresAt.getTime() - Date.now(), 0));
  }

  // After a refused form, move the focus to the error summary so that it is read first.
  function focusErrorSummary() {
    var summary = document.querySelector('[data-error-summary]');
    if (summary) summary.focus();
  }

  watchSessionExpiry();
  focusErrorSummary();
})();

// The GOV.UK session timeout warning: before the session's idle limit, a dialog says when the user will be signed
// out and lets them stay signed in (any request renews the session). At the limit the page reloads, and the
// service asks them to sign in again, returning them to this page. Without this script the same happens on the
// next page they open.
const dialog = document.getElementById('session-timeout');

function minutesText(seconds) {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

if (dialog && typeof dialog.showModal === 'function') {
  const idle = Number(dialog.dataset.idleSeconds);
  const warn = Number(dialog.dataset.warnSeconds);
  const countdown = dialog.querySelector('[data-countdown]');
  const stay = dialog.querySelector('[data-stay]');
  // The absolute end, which no request can move.
  const hardEnd = Date.now() + Number(dialog.dataset.maxSecondsLeft) * 1000;
  let warnTimer;
  let endTimer;
  let tick;

  const schedule = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    const end = Math.min(Date.now() + idle * 1000, hardEnd);
    const show = () => {
      const update = () => {
        countdown.textContent = minutesText((end - Date.now()) / 1000);
      };
      update();
      // A minute at a time: a countdown read out every second would drown everything else.
      tick = setInterval(update, 60_000);
      // The limit that no request can move leaves nothing to stay for.
      stay.hidden = end === hardEnd && hardEnd < Date.now() + idle * 1000;
      if (!dialog.open) dialog.showModal();
    };
    warnTimer = setTimeout(show, Math.max(0, end - Date.now() - warn * 1000));
    endTimer = setTimeout(() => window.location.reload(), Math.max(0, end - Date.now()));
  };

  stay.addEventListener('click', async () => {
    try {
      const answer = await fetch('/session/alive', { credentials: 'same-origin', cache: 'no-store' });
      if (answer.status !== 204) throw new Error(String(answer.status));
      dialog.close();
      schedule();
    } catch {
      window.location.reload();
    }
  });
  // Escape closes a modal dialog: staying is the safe reading of it.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    stay.click();
  });
  schedule();
}

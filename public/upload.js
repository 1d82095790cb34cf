// Progressive enhancement for "Send files": shows upload progress, then shows the results page the server sent.
// Without JavaScript the form posts normally and the same results page comes back.
const form = document.querySelector('form[data-s2s-upload]');
const progressBox = document.querySelector('[data-s2s-progress]');

if (form && progressBox && window.XMLHttpRequest && window.FormData) {
  const bar = progressBox.querySelector('progress');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) {
        const percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        bar.textContent = `${percent}%`;
      }
    });
    request.addEventListener('load', () => {
      // The server answers with a whole page (results or errors). Its main content replaces this page's, as if
      // the form had posted normally; nothing from it is executed.
      const answer = new DOMParser().parseFromString(request.responseText, 'text/html');
      const main = answer.querySelector('main');
      if (!main) {
        form.submit();
        return;
      }
      document.querySelector('main').replaceWith(document.importNode(main, true));
      document.title = answer.title;
      document.querySelector('main h1')?.setAttribute('tabindex', '-1');
      document.querySelector('main h1')?.focus();
    });
    request.addEventListener('error', () => form.submit());
    progressBox.hidden = false;
    form.querySelector('button[type="submit"], button:not([type])')?.setAttribute('disabled', 'disabled');
    request.send(new FormData(form));
  });
}

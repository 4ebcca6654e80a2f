// The documents page: polls each running feedback job once a second and shows its progress;
// reloads the page when one ends, so that the archive lists what it issued.
(function () {
  'use strict';
  const jobs = Array.from(document.querySelectorAll('.report-job'))
    .filter(li => li.dataset.state === 'queued' || li.dataset.state === 'running');
  if (jobs.length === 0) {
    return;
  }

  const scheme = new URLSearchParams(window.location.search).get('scheme') || '';
  async function poll() {
    let ended = false;
    for (const li of jobs) {
      if (li.dataset.state !== 'queued' && li.dataset.state !== 'running') {
        continue;
      }

      try {
        const url = '/reports?handler=Job&scheme=' + encodeURIComponent(scheme) + '&job=' + encodeURIComponent(li.dataset.job);
        const answer = await fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' });
        if (!answer.ok) {
          continue;
        }

        const job = await answer.json();
        li.querySelector('.job-progress').value = job.percent;
        li.querySelector('.job-count').textContent = job.done + ' / ' + job.total;
        if (job.state !== li.dataset.state) {
          li.dataset.state = job.state;
          ended = ended || job.state === 'done' || job.state === 'failed';
        }
      } catch (e) {
        // The network dropped: try again on the next turn.
      }
    }

    if (ended) {
      window.location.reload();
    } else {
      window.setTimeout(poll, 1000);
    }
  }

  window.setTimeout(poll, 500);
}());

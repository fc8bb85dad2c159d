// Magpie's console: one script, loaded from the console's own origin (the Content Security
// Policy allows no inline script). Everything shown comes from /console/api/ after sign-in;
// text is always set with textContent, never parsed as HTML.
'use strict';

const state = { csrf: null, page: null, timer: null, models: [] };
const pages = ['try', 'models', 'traffic', 'keys', 'api'];
const svgNS = 'http://www.w3.org/2000/svg';

function $(id) { return document.getElementById(id); }

// Builds an element; `attributes` are set as attributes, children are nodes or strings.
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(svgNS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function say(message) { $('status').textContent = message || ''; }

// Calls the console API. Changes carry the session's CSRF token; a 401 shows the sign-in form.
async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf || '';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401 && path !== '/console/api/login') {
    signedOut();
    throw new Error((data && data.message) || 'signed out');
  }
  if (!response.ok) throw new Error((data && data.message) || `${response.status} ${response.statusText}`);
  return data;
}

function milliseconds(value) {
  if (value === null || value === undefined) return '–';
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;
}

function when(iso) { return iso ? new Date(iso).toLocaleString() : 'never'; }

// ---- Session ----

function signedOut() {
  state.csrf = null;
  clearInterval(state.timer);
  // Nothing a session showed stays in the page after it ends.
  for (const id of ['models-list', 'traffic-list', 'try-answers', 'try-meta', 'try-curl', 'api-reference', 'who', 'try-model', 'key-plan']) {
    $(id).replaceChildren();
  }
  for (const id of ['keys-table', 'plans-table']) $(id).tBodies[0].replaceChildren();
  $('try-result').hidden = true;
  $('new-key-secret').textContent = '';
  $('new-key').hidden = true;
  $('nav').hidden = true;
  for (const page of pages) $(`page-${page}`).hidden = true;
  $('page-signin').hidden = false;
  $('admin-key').focus();
}

function signedIn(session) {
  state.csrf = session.csrf_token;
  $('who').textContent = `Signed in as ${session.admin_key_name} (${session.admin_key_id})`;
  $('nav').hidden = false;
  $('page-signin').hidden = true;
  show(location.hash.slice(1));
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  say('');
  try {
    const session = await call('POST', '/console/api/login', { key: $('admin-key').value });
    $('admin-key').value = '';
    signedIn(session);
  } catch (error) {
    say(error.message);
  }
});

$('sign-out').addEventListener('click', async () => {
  try { await call('POST', '/console/api/logout'); } catch (error) { say(error.message); }
  signedOut();
});

// ---- Pages ----

function show(name, focus = true) {
  const page = pages.includes(name) ? name : 'try';
  state.page = page;
  clearInterval(state.timer);
  for (const other of pages) $(`page-${other}`).hidden = other !== page;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  say('');
  if (focus) $(`${page}-title`).focus();
  const load = { try: loadTry, models: loadModels, traffic: loadTraffic, keys: loadKeys, api: loadAPI }[page];
  load().catch((error) => say(error.message));
  if (page === 'models' || page === 'traffic') {
    state.timer = setInterval(() => load().catch((error) => say(error.message)), 2000);
  }
}

window.addEventListener('hashchange', () => { if (state.csrf) show(location.hash.slice(1)); });

// ---- Try ----

async function loadTry() {
  const { models } = await call('GET', '/console/api/models');
  state.models = models;
  const select = $('try-model');
  const chosen = select.value;
  select.replaceChildren(...models.map((model) => el('option', { value: model.name }, model.name)));
  if (chosen) select.value = chosen;
}

function scoreBars(scores, best) {
  const rowHeight = 22;
  const width = 420;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${scores.length * rowHeight}`, width, height: scores.length * rowHeight, role: 'img',
    'aria-label': scores.map((s) => `${s.label} ${(s.score * 100).toFixed(1)}%`).join(', '),
  });
  scores.forEach((entry, index) => {
    const y = index * rowHeight;
    chart.append(svg('text', { x: 0, y: y + 15, class: 'bar-label' }, entry.label));
    chart.append(svg('rect', { x: 150, y: y + 4, width: 200, height: 14, class: 'bar-track' }));
    chart.append(svg('rect', {
      x: 150, y: y + 4, width: Math.max(1, entry.score * 200), height: 14,
      class: entry.label === best ? 'bar-fill top' : 'bar-fill',
    }));
    chart.append(svg('text', { x: 358, y: y + 15, class: 'bar-label' }, `${(entry.score * 100).toFixed(1)}%`));
  });
  return chart;
}

// The text with each token tinted by its share of the label's score: warm and underlined
// where it pushes toward the label, cool and dotted where it pushes away, stronger for a
// larger share. Offsets count code points, as Array.from does.
function explained(text, explanation, label) {
  if (!explanation) return el('p', { class: 'why muted' }, 'A model on another server cannot explain its answers.');
  if (explanation.skipped) {
    return el('p', { class: 'why muted' },
      'Not explained: a trial spends at most 3 s on explanations. The explain API explains any text.');
  }
  const characters = Array.from(text);
  const largest = Math.max(1e-9, ...explanation.tokens.map((token) => Math.abs(token.score)));
  const parts = [];
  let position = 0;
  for (const token of [...explanation.tokens].sort((a, b) => a.start - b.start)) {
    if (token.start < position) continue;
    parts.push(characters.slice(position, token.start).join(''));
    const toward = token.score >= 0;
    const mark = el('mark', {
      class: toward ? 'toward' : 'against',
      title: `${toward ? '+' : ''}${token.score.toFixed(3)} ${toward ? 'toward' : 'away from'} ${label}`,
    }, characters.slice(token.start, token.end).join(''));
    // Through the CSS object model: the page's Content-Security-Policy refuses style attributes.
    mark.style.setProperty('--weight', (Math.abs(token.score) / largest).toFixed(3));
    parts.push(mark);
    position = token.end;
  }
  parts.push(characters.slice(position).join(''));
  return el('p', { class: 'why', 'aria-label': `Why ${label}: underlined words push toward it, dotted ones away` },
    el('span', { class: 'muted' }, 'Why: '), ...parts);
}

function curlLine(model, texts, version) {
  const body = JSON.stringify(texts.length === 1 ? { text: texts[0] } : { texts });
  const quoted = `'${body.replaceAll("'", "'\\''")}'`;
  const pin = version ? ` -H 'X-Magpie-Model-Version: ${version}'` : '';
  return `curl -s ${location.origin}/v1/models/${encodeURIComponent(model)}/classify -H 'x-api-key: YOUR_API_KEY'`
    + ` -H 'Content-Type: application/json'${pin} -d ${quoted}`;
}

$('try-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  say('');
  const model = $('try-model').value;
  const version = $('try-version').value.trim();
  const texts = $('try-texts').value.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (texts.length === 0) { say('type at least one text'); return; }
  const payload = texts.length === 1 ? { model, text: texts[0] } : { model, texts };
  if (version) payload.version = version;
  try {
    const answer = await call('POST', '/console/api/try', payload);
    const parts = [`Version ${answer.version}`, `${milliseconds(answer.duration_ms)} in all`];
    if (answer.inference_ms !== undefined) parts.push(`${milliseconds(answer.inference_ms)} computing`);
    if (answer.upstream_ms !== undefined) parts.push(`${milliseconds(answer.upstream_ms)} upstream`);
    parts.push(answer.cold_start ? `cold start (loaded in ${milliseconds(answer.load_ms)})` : 'warm');
    $('try-meta').textContent = parts.join(' · ');
    $('try-answers').replaceChildren(...answer.results.map((result, index) => el('div', { class: 'answer' },
      el('p', {}, el('span', { class: 'text' }, texts[index]), ' → ', el('strong', { class: 'label' }, result.label),
        ` (${(result.score * 100).toFixed(1)}%)`),
      explained(texts[index], answer.explanations[index], result.label),
      scoreBars(result.scores, result.label))));
    $('try-curl').textContent = curlLine(model, texts, version);
    $('try-result').hidden = false;
  } catch (error) {
    say(error.message);
  }
});

$('try-copy').addEventListener('click', () => copy($('try-curl').textContent));

async function copy(text) {
  try { await navigator.clipboard.writeText(text); say('Copied.'); } catch { say('Select the text and copy it.'); }
}

// ---- Models ----

function figureRow(figures) {
  return el('tr', {},
    el('th', { scope: 'row' }, `${figures.role} (v${figures.version})`),
    el('td', {}, el('span', { class: `badge ${figures.state}` }, figures.state)),
    el('td', {}, String(figures.requests)),
    el('td', {}, `${(figures.error_rate * 100).toFixed(2)}%`),
    el('td', {}, milliseconds(figures.p50_ms)),
    el('td', {}, milliseconds(figures.p99_ms)),
    el('td', {}, figures.accuracy === undefined ? '–' : `${(figures.accuracy * 100).toFixed(1)}% of ${figures.feedback}`),
    el('td', {}, Object.entries(figures.labels).map(([label, count]) => `${label}: ${count}`).join(', ') || '–'));
}

function releaseControls(model) {
  const release = model.release;
  const others = release.versions.filter((version) => version !== release.stable);
  const id = (suffix) => `release-${model.name}-${suffix}`;
  const form = el('form', { class: 'inline', 'data-model': model.name },
    el('label', { for: id('version') }, 'Canary version'),
    el('select', { id: id('version'), name: 'version' }, others.map((v) => el('option', { value: v }, `v${v}`))),
    el('label', { for: id('weight') }, 'Weight (%)'),
    el('input', { id: id('weight'), name: 'weight', type: 'number', min: 1, max: 100, value: 10, required: true }),
    el('button', { type: 'submit', disabled: others.length === 0 }, 'Start canary'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    changeRelease(model.name, 'canary', { version: Number(form.elements.version.value), weight: Number(form.elements.weight.value) });
  });
  const buttons = el('p', { class: 'inline' });
  if (release.canary) {
    const promote = el('button', { type: 'button' }, `Promote v${release.canary.version}`);
    promote.addEventListener('click', () => changeRelease(model.name, 'promote', { version: release.canary.version }));
    buttons.append(promote);
  }
  const rollback = el('button', { type: 'button', class: 'danger' }, release.canary ? 'Roll back the canary' : 'Roll back to the previous stable');
  rollback.addEventListener('click', () => changeRelease(model.name, 'rollback', {}));
  buttons.append(rollback);
  return [form, buttons];
}

async function changeRelease(model, action, body) {
  say('');
  try {
    await call('POST', `/console/api/models/${encodeURIComponent(model)}/${action}`, body);
    await loadModels();
  } catch (error) {
    say(error.message);
  }
}

function modelCard(model) {
  const location = model.location.kind === 'local' ? 'local'
    : `${model.location.kind}: ${Object.entries(model.location).filter(([k]) => k !== 'kind').map(([, v]) => v).join(' ')}`;
  const card = el('article', { class: 'card', id: `model-${model.name}`, 'aria-labelledby': `model-${model.name}-title` },
    el('h2', { id: `model-${model.name}-title` }, model.name),
    el('p', {}, el('span', { class: `badge ${model.state}` }, model.state), ` · ${location} · version ${model.version}`,
      model.labels.length ? ` · labels: ${model.labels.join(', ')}` : '',
      model.fallback ? ` · falls back to ${model.fallback}` : ''));
  if (model.health) {
    card.append(el('p', {}, `Upstream ${model.health.status}, breaker ${model.health.breaker}`,
      model.health.last_error ? ` · last error: ${model.health.last_error}` : ''));
  }
  const release = model.release;
  if (!release) return card;
  card.append(el('p', { class: 'release' },
    `Versions ${release.versions.map((v) => `v${v}`).join(', ')} · stable v${release.stable}`,
    release.canary ? el('span', {}, ' · ', el('span', { class: 'badge canary' },
      `canary v${release.canary.version} at ${release.canary.weight}%`), ` since ${when(release.canary.step_started_at)}`) : ' · no canary'));
  card.append(el('table', { class: 'comparison' },
    el('caption', { class: 'visually-hidden' }, `${model.name}: stable and canary in the current step`),
    el('thead', {}, el('tr', {}, ['Version', 'State', 'Requests', 'Errors', 'p50', 'p99', 'Accuracy', 'Labels']
      .map((title) => el('th', { scope: 'col' }, title)))),
    el('tbody', {}, model.comparison.map(figureRow))));
  card.append(...releaseControls(model));
  card.append(el('h3', {}, 'Recent decisions'));
  card.append(release.decisions.length === 0 ? el('p', { class: 'hint' }, 'None yet.')
    : el('ul', { class: 'decisions' }, release.decisions.map((decision) => el('li', {},
      `${when(decision.at)}: ${decision.action} v${decision.version} (${decision.automatic ? 'automatic' : 'by hand'}) — ${decision.reason}`))));
  return card;
}

async function loadModels() {
  const { models } = await call('GET', '/console/api/models');
  // A form being filled in is not redrawn under the operator's hands.
  if (document.activeElement && $('models-list').contains(document.activeElement)
    && ['INPUT', 'SELECT'].includes(document.activeElement.tagName)) return;
  $('models-list').replaceChildren(...models.map(modelCard));
}

// ---- Traffic ----

function lineChart(title, series, format, minutes) {
  const width = 320;
  const height = 130;
  const plot = height - 18;
  const values = series.flatMap((line) => line.values.filter((v) => v !== null));
  const top = Math.max(...values, 0) || 1;
  const x = (index, count) => (count <= 1 ? 0 : (index / (count - 1)) * (width - 8) + 4);
  const y = (value) => plot - 2 - (value / top) * (plot - 10);
  const peak = (line) => Math.max(...line.values.filter((v) => v !== null), 0);
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `${title} over the last ${minutes} minutes: ${series.map((line) => `${line.name} peak ${format(peak(line))}`).join(', ')}`,
  });
  chart.append(svg('line', { x1: 0, y1: plot, x2: width, y2: plot, class: 'axis' }));
  chart.append(svg('text', { x: 2, y: height - 4, class: 'bar-label' }, `−${minutes} min`));
  chart.append(svg('text', { x: width - 28, y: height - 4, class: 'bar-label' }, 'now'));
  series.forEach((line, index) => {
    const kind = index === 0 ? 'first' : 'second';
    let path = '';
    line.values.forEach((value, i) => {
      if (value === null) { path += ' '; return; }
      const point = `${x(i, line.values.length).toFixed(1)},${y(value).toFixed(1)}`;
      path += `${path === '' || path.endsWith(' ') ? 'M' : 'L'}${point}`;
      // A slice between empty ones is a dot, which a path alone would not draw.
      chart.append(svg('circle', { cx: x(i, line.values.length).toFixed(1), cy: y(value).toFixed(1), r: 1.8, class: `dot ${kind}` }));
    });
    if (path.trim()) chart.append(svg('path', { d: path.trim(), class: `line ${kind}` }));
  });
  const legend = el('p', { class: 'legend' }, series.map((line, index) => el('span', {},
    el('span', { class: index === 0 ? 'first' : 'second' }, '— '), `${line.name} peak ${format(peak(line))}  `)));
  return el('figure', { class: 'chart' }, el('h3', {}, title), chart, legend);
}

async function loadTraffic() {
  const traffic = await call('GET', '/console/api/traffic');
  const lastMinute = (values) => values.slice(-12).reduce((sum, v) => sum + v, 0);
  const count = (v) => (v === null || v === undefined ? '–' : String(Math.round(v * 100) / 100));
  const minutes = Math.round((traffic.series[0]?.requests_per_second.length ?? 0) * traffic.slice_seconds / 60);
  $('traffic-list').replaceChildren(...traffic.series.map((model) => el('article', { class: 'card', 'aria-labelledby': `traffic-${model.model}` },
    el('h2', { id: `traffic-${model.model}` }, model.model),
    el('p', { class: 'meta' }, `Last minute: ${Math.round(lastMinute(model.requests_per_second) * traffic.slice_seconds)} requests, `
      + `${lastMinute(model.server_errors)} server errors (5xx), ${lastMinute(model.client_errors)} refused (4xx)`),
    el('div', { class: 'charts' },
      lineChart('Requests per second', [{ name: 'requests/s', values: model.requests_per_second }], count, minutes),
      lineChart(`Errors per ${traffic.slice_seconds} s`, [
        { name: '5xx', values: model.server_errors }, { name: '4xx', values: model.client_errors }], count, minutes),
      lineChart('Latency', [{ name: 'p50', values: model.p50_ms }, { name: 'p99', values: model.p99_ms }], milliseconds, minutes),
      // Only a model that batches its requests has batch sizes to draw.
      ...(model.batch_texts.some((v) => v !== null)
        ? [lineChart('Texts per forward pass', [{ name: 'mean', values: model.batch_texts }], count, minutes)] : [])))));
}

// ---- Keys and plans ----

function usageCell(key) {
  if (key.quota_limit === undefined) return el('td', {}, 'no quota');
  const fraction = Math.min(1, key.used / key.quota_limit);
  const bar = svg('svg', { width: 100, height: 12, role: 'img', 'aria-label': `${key.used} of ${key.quota_limit} used` },
    svg('rect', { x: 0, y: 0, width: 100, height: 12, class: 'bar-track' }),
    svg('rect', { x: 0, y: 0, width: Math.max(1, fraction * 100), height: 12, class: 'bar-fill' }));
  return el('td', { class: 'usage' }, bar, ` ${key.used} of ${key.quota}`);
}

function keyRow(key) {
  const revoked = Boolean(key.revoked_at);
  const actions = el('td', {});
  if (!revoked) {
    const button = el('button', { type: 'button', class: 'danger', 'aria-label': `Revoke key ${key.name} (${key.id})` }, 'Revoke');
    button.addEventListener('click', async () => {
      if (!window.confirm(`Revoke ${key.name} (${key.id})? Requests with it are refused from then on.`)) return;
      try {
        await call('POST', `/console/api/keys/${encodeURIComponent(key.id)}/revoke`);
        await loadKeys();
        say(`Revoked ${key.id}.`);
      } catch (error) { say(error.message); }
    });
    actions.append(button);
  }
  return el('tr', { 'data-key': key.id },
    el('td', {}, el('code', {}, key.id)), el('td', {}, key.name), el('td', {}, key.plan), el('td', {}, when(key.created_at)),
    el('td', {}, when(key.last_used_at)), usageCell(key),
    el('td', {}, el('span', { class: `badge ${revoked ? 'revoked' : 'active'}` }, revoked ? `revoked ${when(key.revoked_at)}` : 'active')),
    actions);
}

async function loadKeys() {
  const { keys, plans } = await call('GET', '/console/api/keys');
  $('keys-table').tBodies[0].replaceChildren(...keys.map(keyRow));
  $('plans-table').tBodies[0].replaceChildren(...plans.map((plan) => el('tr', {},
    el('th', { scope: 'row' }, plan.name), el('td', {}, plan.quota || 'none'), el('td', {}, String(plan.rate)),
    el('td', {}, String(plan.burst)))));
  const select = $('key-plan');
  const chosen = select.value;
  select.replaceChildren(...plans.map((plan) => el('option', { value: plan.name }, plan.name)));
  if (chosen) select.value = chosen;
}

$('key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  say('');
  try {
    const created = await call('POST', '/console/api/keys', { name: $('key-name').value, plan: $('key-plan').value });
    $('key-name').value = '';
    $('new-key-id').textContent = created.key.id;
    $('new-key-secret').textContent = created.secret;
    $('new-key').hidden = false;
    $('new-key-copy').focus();
    await loadKeys();
  } catch (error) {
    say(error.message);
  }
});

$('new-key-copy').addEventListener('click', () => copy($('new-key-secret').textContent));
$('new-key-done').addEventListener('click', () => {
  // The secret leaves the page for good.
  $('new-key-secret').textContent = '';
  $('new-key').hidden = true;
  $('key-name').focus();
});

// ---- API reference ----

// Descriptions mark names with `backticks`: those parts become <code>, the rest plain text.
function withCode(text) {
  return String(text).split('`').map((part, index) => (index % 2 === 1 ? el('code', {}, part) : part));
}

function schemaName(schema) {
  if (!schema) return '–';
  if (schema.$ref) return schema.$ref.split('/').pop();
  if (schema.oneOf) return schema.oneOf.map(schemaName).join(' or ');
  if (schema.type === 'array') return `array of ${schemaName(schema.items)}`;
  return schema.type || 'object';
}

async function loadAPI() {
  if ($('api-reference').childElementCount > 0) return;
  const response = await fetch('/openapi.json', { credentials: 'same-origin' });
  const document_ = await response.json();
  const entries = [];
  for (const [path, operations] of Object.entries(document_.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (method === 'parameters') continue;
      const body = operation.requestBody && operation.requestBody.content;
      const details = el('dl', {});
      if (operation.description) details.append(el('dt', {}, 'Description'), el('dd', {}, withCode(operation.description)));
      const parameters = (operation.parameters || []).concat(operations.parameters || []);
      if (parameters.length) {
        details.append(el('dt', {}, 'Parameters'), el('dd', {}, parameters.map((p) => `${p.name} (${p.in})`).join(', ')));
      }
      if (body) {
        details.append(el('dt', {}, 'Body'), el('dd', {}, Object.entries(body).map(([type, content]) => `${type}: ${schemaName(content.schema)}`).join('; ')));
      }
      details.append(el('dt', {}, 'Responses'), el('dd', {}, el('ul', {}, Object.entries(operation.responses || {}).map(([status, answer]) =>
        el('li', {}, el('strong', {}, status), ' ', withCode(answer.description || ''))))));
      entries.push(el('article', { class: 'endpoint' },
        el('h2', {}, el('span', { class: 'method' }, method.toUpperCase()), ' ', el('code', {}, path)),
        operation.summary ? el('p', {}, withCode(operation.summary)) : null, details));
    }
  }
  $('api-reference').replaceChildren(
    el('p', {}, `${document_.info.title} ${document_.info.version}`, document_.info.description ? [' — ', withCode(document_.info.description)] : ''),
    ...entries);
}

// ---- Start ----

call('GET', '/console/api/session').then(signedIn).catch(() => signedOut());

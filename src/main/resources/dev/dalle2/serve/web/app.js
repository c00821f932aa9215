// dalle2 serve: the browser page. Plain ES2020, no framework, no build step.
// Jobs go to /api/jobs/*, their progress comes back as server-sent events read with fetch()
// (EventSource cannot send an Authorization header), finished results are kept in localStorage.
'use strict';

const HISTORY_KEY = 'dalle2.history';
const API_KEY_KEY = 'dalle2.apiKey';
const HISTORY_IMAGES = 40;

const $ = (id) => document.getElementById(id);
const selected = [];          // the selected tiles, oldest first, at most two
let saved = [];               // finished jobs, newest first: {id, kind, title, prompt, created, seconds, images}

/** An error the server reported, carrying its readable message. */
class ApiError extends Error {}

// ---------------------------------------------------------------- server calls

/** The Authorization header for the stored API key, if there is one. */
function authHeaders() {
  const key = $('api-key').value.trim();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** The readable message of a failed response: the OpenAI error body's message when there is one. */
async function errorMessage(response) {
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const text = await response.text();
    try {
      message = JSON.parse(text).error.message || message;
    } catch {
      if (text.trim()) message = text.trim().slice(0, 300);
    }
  } catch { /* keep the status line */ }
  if (response.status === 401) {
    $('api-key-row').hidden = false;
    message += ' (enter the API key above)';
  }
  const retry = response.headers.get('Retry-After');
  if (response.status === 429 && retry) message += ` (try again in ${retry} s)`;
  return message;
}

/** fetch() with the API key; throws an ApiError with the server's message unless the answer is 2xx. */
async function api(path, options = {}) {
  const headers = { ...authHeaders(), ...(options.headers || {}) };
  let response;
  try {
    response = await fetch(path, { ...options, headers });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(`Cannot reach the server (${e.message}).`);
  }
  if (!response.ok) throw new ApiError(await errorMessage(response));
  return response;
}

/** POSTs a JSON body and returns the parsed answer. */
async function postJson(path, body, signal) {
  const response = await api(path, {
    method: 'POST', signal, body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
  return response.json();
}

/** POSTs multipart form data and returns the parsed answer. */
async function postForm(path, form, signal) {
  return (await api(path, { method: 'POST', body: form, signal })).json();
}

/** Yields the server-sent events of a streaming response as {event, data}; comments are skipped. */
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = '';
  let data = [];
  try {
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) return;
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const raw of lines) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line === '') {
          if (data.length) yield { event: type || 'message', data: data.join('\n') };
          type = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'event') type = value;
          else if (field === 'data') data.push(value);
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** A data: URL (or any URL) as a Blob for a multipart upload. */
async function toBlob(src) {
  const response = await fetch(src);
  if (!response.ok) throw new Error(`Cannot read the image (${response.status}).`);
  return response.blob();
}

// ---------------------------------------------------------------- form values

/** The number in an input, undefined when empty; throws when the text is not a number. */
function numberField(id, name) {
  const input = $(id);
  if (input.validity.badInput) throw new Error(`${name} must be a number.`);
  const text = input.value.trim();
  return text === '' ? undefined : Number(text);
}

/** The sampling settings of the form: {n, seed, steps, guidance}, leaving out the empty ones. */
function readParams() {
  const params = {
    n: numberField('n', 'Images'),
    seed: numberField('seed', 'Seed'),
    steps: numberField('steps', 'Steps'),
    guidance: numberField('guidance', 'Guidance'),
  };
  for (const key of Object.keys(params)) if (params[key] === undefined) delete params[key];
  return params;
}

/** A multipart form with the given fields (undefined ones left out) and b64_json results. */
function formOf(fields) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(key, value, `${key}.png`);
    else if (value !== undefined) form.append(key, String(value));
  }
  form.append('response_format', 'b64_json');
  return form;
}

// ---------------------------------------------------------------- messages

/** Shows a message that is not tied to one job at the top of the page. */
function showError(message) {
  $('error-text').textContent = message;
  $('error').hidden = false;
}

/** Hides the message at the top of the page. */
function clearError() {
  $('error').hidden = true;
}

// ---------------------------------------------------------------- jobs

/** Starts a job: submits it, follows its events into a new card and keeps the result. */
async function runJob(entry, submit) {
  clearError();
  const card = renderCard({ ...entry, id: `local-${Date.now()}`, created: Date.now(), images: [] }, 'running');
  const controller = new AbortController();
  card.abort = () => controller.abort();
  const started = performance.now();
  try {
    const accepted = await submit(controller.signal);
    card.dataset.job = accepted.id;
    const response = await api(accepted.events, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
    for await (const event of readEvents(response)) {
      const data = JSON.parse(event.data);
      if (event.event === 'queued') showQueued(card, data);
      else if (event.event === 'progress') showProgress(card, data);
      else if (event.event === 'error') throw new ApiError(data.error?.message || 'The job failed.');
      else if (event.event === 'done') return finishJob(card, entry, data, (performance.now() - started) / 1000);
    }
    throw new ApiError('The server closed the event stream before the job finished.');
  } catch (e) {
    failJob(card, controller.signal.aborted ? 'Cancelled.' : e.message);
  }
}

/** Shows how many jobs are ahead of this one. */
function showQueued(card, { position }) {
  card.querySelector('[data-test=status]').textContent =
    position > 0 ? `queued: ${position} job${position === 1 ? '' : 's'} ahead` : 'starting…';
}

/** Moves the job's progress bar and names the stage and step. */
function showProgress(card, { stage, step, total, fraction }) {
  card.querySelector('[data-test=progress]').value = Math.min(1, Math.max(0, fraction));
  card.querySelector('[data-test=status]').textContent = `${stage}: step ${step} of ${total}`;
}

/** Puts the finished job's images into its card and into the history. */
function finishJob(card, entry, response, seconds) {
  const images = (response.data || []).map((d) => (d.b64_json ? `data:image/png;base64,${d.b64_json}` : d.url));
  if (images.length === 0 || images.some((src) => !src)) {
    failJob(card, 'The server answered without images.');
    return;
  }
  const done = { ...entry, id: card.dataset.job || card.dataset.id, created: Date.now(), seconds, images };
  card.dataset.id = done.id;
  setCardState(card, 'done', done);
  renderImages(card, done);
  remember(done);
}

/** Shows why a job did not finish. */
function failJob(card, message) {
  setCardState(card, message === 'Cancelled.' ? 'cancelled' : 'error');
  const error = card.querySelector('[data-test=job-error]');
  error.textContent = message;
  error.hidden = false;
}

// ---------------------------------------------------------------- cards and tiles

/** Adds a card for a job at the top of the results; state is running or done. */
function renderCard(entry, state) {
  const card = $('job-template').content.firstElementChild.cloneNode(true);
  card.dataset.id = entry.id;
  card.dataset.kind = entry.kind;
  card.querySelector('[data-part=title]').textContent = entry.title;
  card.querySelector('[data-test=cancel]').addEventListener('click', () => card.abort?.());
  card.querySelector('[data-test=dismiss]').addEventListener('click', () => removeCard(card));
  setCardState(card, state, entry);
  if (state === 'done') renderImages(card, entry);
  $('results').prepend(card);
  $('empty').hidden = true;
  return card;
}

/** Sets a card's state and what shows with it: progress while running, the time when done. */
function setCardState(card, state, entry) {
  card.dataset.state = state;
  card.querySelector('[data-part=progress-row]').hidden = state !== 'running';
  card.querySelector('[data-test=cancel]').hidden = state !== 'running';
  if (entry) {
    const time = new Date(entry.created).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    card.querySelector('[data-part=time]').textContent =
      entry.seconds ? `${time} · ${entry.seconds.toFixed(1)} s` : time;
  }
}

/** Fills a card with its images: one tile each, or one tile with a frame slider for an interpolation. */
function renderImages(card, entry) {
  const box = card.querySelector('[data-part=images]');
  box.replaceChildren();
  if (entry.kind === 'interpolation') {
    const tile = makeTile(entry, 0, true);
    box.append(tile, makeStrip(entry, tile.querySelector('[data-test=frame-slider]')));
  } else {
    entry.images.forEach((_, i) => box.append(makeTile(entry, i, false)));
  }
}

/** One image with its buttons; with frames, a slider scrubs through all of entry.images. */
function makeTile(entry, index, frames) {
  const tile = $('tile-template').content.firstElementChild.cloneNode(true);
  const show = (i) => setTileImage(tile, entry, i, frames);
  show(index);
  if (frames) {
    const slider = tile.querySelector('[data-test=frame-slider]');
    slider.max = String(entry.images.length - 1);
    slider.value = String(index);
    slider.addEventListener('input', () => show(Number(slider.value)));
    tile.querySelector('[data-part=frame-row]').hidden = false;
  }
  tile.querySelector('[data-test=variations]').addEventListener('click', () => startVariations(tile.dataset.src));
  tile.querySelector('[data-test=edit]').addEventListener('click', () => openEditor(tile.dataset.src, entry.prompt));
  tile.querySelector('[data-test=select]').addEventListener('change', (e) => toggleSelected(tile, e.target.checked));
  return tile;
}

/** Small copies of all frames beside the slider; clicking one moves the slider there. */
function makeStrip(entry, slider) {
  const strip = document.createElement('div');
  strip.className = 'strip';
  strip.dataset.test = 'frame-strip';
  const mark = () => strip.querySelectorAll('button').forEach((b, i) => b.classList.toggle('current', i === Number(slider.value)));
  entry.images.forEach((src, i) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.title = `frame ${i + 1}`;
    const img = document.createElement('img');
    img.src = src;
    img.alt = `frame ${i + 1}`;
    button.append(img);
    button.addEventListener('click', () => {
      slider.value = String(i);
      slider.dispatchEvent(new Event('input'));
    });
    strip.append(button);
  });
  slider.addEventListener('input', mark);
  mark();
  return strip;
}

/** Shows image i of the entry in the tile and points its download link at it. */
function setTileImage(tile, entry, i, frames) {
  const src = entry.images[i];
  tile.dataset.src = src;
  const img = tile.querySelector('[data-test=result-img]');
  img.src = src;
  img.alt = frames ? `${entry.title}, frame ${i + 1}` : `${entry.title}, image ${i + 1}`;
  const link = tile.querySelector('[data-test=download]');
  link.href = src;
  link.download = `dalle2-${entry.id}-${i + 1}.png`;
  if (frames) tile.querySelector('[data-test=frame-label]').textContent = `frame ${i + 1} of ${entry.images.length}`;
}

/** Removes a card (cancelling its job if it runs) and its entry from the history. */
function removeCard(card) {
  card.abort?.();
  for (const tile of card.querySelectorAll('[data-test=result]')) toggleSelected(tile, false);
  card.remove();
  forget(card.dataset.id);
  $('empty').hidden = $('results').children.length > 0;
}

// ---------------------------------------------------------------- variations, interpolation

/** Asks for variations of one image, as many as the form's Images field. */
async function startVariations(src) {
  let params;
  try {
    params = readParams();
  } catch (e) {
    return showError(e.message);
  }
  runJob({ kind: 'variations', title: 'variations of an image', prompt: '' }, async (signal) =>
    postForm('/api/jobs/variations', formOf({ image: await toBlob(src), ...params }), signal));
}

/** Selects or unselects a tile for interpolation; a third selection drops the oldest. */
function toggleSelected(tile, on) {
  const at = selected.indexOf(tile);
  if (on && at < 0) selected.push(tile);
  if (!on && at >= 0) selected.splice(at, 1);
  while (selected.length > 2) toggleSelected(selected[0], false);
  tile.classList.toggle('selected', on);
  tile.querySelector('[data-test=select]').checked = on;
  updateSelectionBar();
}

/** Shows the interpolation bar while images are selected; the button needs exactly two. */
function updateSelectionBar() {
  $('interpolate-bar').hidden = selected.length === 0;
  $('selection-count').textContent = `${selected.length} of 2 images selected`;
  $('interpolate').disabled = selected.length !== 2;
}

/** Interpolates between the two selected images. */
async function startInterpolation() {
  if (selected.length !== 2) return;
  let params;
  let frames;
  try {
    params = readParams();
    frames = numberField('frames', 'Frames');
  } catch (e) {
    return showError(e.message);
  }
  delete params.n;
  const [first, second] = selected.map((tile) => tile.dataset.src);
  for (const tile of [...selected]) toggleSelected(tile, false);
  runJob({ kind: 'interpolation', title: frames ? `interpolation, ${frames} frames` : 'interpolation', prompt: '' }, async (signal) =>
    postForm('/api/jobs/interpolations',
      formOf({ image: await toBlob(first), image2: await toBlob(second), frames, ...params }), signal));
}

// ---------------------------------------------------------------- the mask editor

const editor = { src: null, painting: false, last: null };

/** Loads an image from a URL, resolving once it has decoded. */
function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('Cannot load the image.'));
    img.src = src;
  });
}

/** Opens the editor on an image: the image below, an empty mask canvas of the same size above. */
async function openEditor(src, prompt) {
  let img;
  try {
    img = await loadImage(src);
  } catch (e) {
    return showError(e.message);
  }
  const { naturalWidth: w, naturalHeight: h } = img;
  for (const canvas of [$('editor-image'), $('editor-mask')]) {
    canvas.width = w;
    canvas.height = h;
  }
  $('editor-image').getContext('2d').drawImage(img, 0, 0);
  const brush = $('brush-size');
  brush.max = String(Math.max(4, Math.round(w / 2)));
  brush.value = String(Math.max(1, Math.round(w / 8)));
  $('edit-prompt').value = prompt || '';
  $('edit-error').hidden = true;
  editor.src = src;
  $('editor').showModal();
}

/** The pointer's position in mask-canvas pixels. */
function maskPoint(event) {
  const canvas = $('editor-mask');
  const box = canvas.getBoundingClientRect();
  return {
    x: ((event.clientX - box.left) * canvas.width) / box.width,
    y: ((event.clientY - box.top) * canvas.height) / box.height,
  };
}

/** The brush's paint: a grey checkerboard, the usual picture of "transparent", visible on any image. */
function checkerboard(ctx) {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 4;
  const g = tile.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, 4, 4);
  g.fillStyle = '#b4b4b4';
  g.fillRect(0, 0, 2, 2);
  g.fillRect(2, 2, 2, 2);
  return ctx.createPattern(tile, 'repeat');
}

/** Paints a brush stroke on the mask from the last point to this one. */
function paintTo(point) {
  const ctx = $('editor-mask').getContext('2d');
  const size = Number($('brush-size').value);
  const from = editor.last || point;
  ctx.strokeStyle = ctx.fillStyle = checkerboard(ctx);
  ctx.lineWidth = size;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(point.x, point.y);
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(point.x, point.y, size / 2, 0, 2 * Math.PI);
  ctx.fill();
  editor.last = point;
}

/** Wires the mask canvas to the pointer: press and drag paints. */
function setUpBrush() {
  const canvas = $('editor-mask');
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    editor.painting = true;
    editor.last = null;
    paintTo(maskPoint(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (editor.painting) paintTo(maskPoint(e));
  });
  for (const type of ['pointerup', 'pointercancel']) {
    canvas.addEventListener(type, () => {
      editor.painting = false;
      editor.last = null;
    });
  }
}

/** The mask as a PNG blob: painted pixels fully transparent (repaint), the rest opaque (keep). */
async function maskBlob() {
  const canvas = $('editor-mask');
  const { width: w, height: h } = canvas;
  const painted = canvas.getContext('2d').getImageData(0, 0, w, h).data;
  const out = new ImageData(w, h);
  let count = 0;
  for (let i = 3; i < painted.length; i += 4) {
    const repaint = painted[i] > 0;
    out.data[i] = repaint ? 0 : 255;
    count += repaint ? 1 : 0;
  }
  if (count === 0) return null;
  const png = document.createElement('canvas');
  png.width = w;
  png.height = h;
  png.getContext('2d').putImageData(out, 0, 0);
  return new Promise((resolve) => png.toBlob(resolve, 'image/png'));
}

/** Sends the edit: the image, the painted mask and the prompt. */
async function submitEdit(event) {
  event.preventDefault();
  const mask = await maskBlob();
  const showEditError = (message) => {
    $('edit-error').textContent = message;
    $('edit-error').hidden = false;
  };
  if (!mask) return showEditError('Paint over the part of the image to repaint first.');
  let params;
  try {
    params = readParams();
  } catch (e) {
    return showEditError(e.message);
  }
  const prompt = $('edit-prompt').value.trim();
  const src = editor.src;
  $('editor').close();
  runJob({ kind: 'edit', title: `edit: “${prompt}”`, prompt }, async (signal) =>
    postForm('/api/jobs/edits', formOf({ image: await toBlob(src), mask, prompt, ...params }), signal));
}

/** Clears the painted mask. */
function clearMask() {
  const canvas = $('editor-mask');
  canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
}

// ---------------------------------------------------------------- history

/** Reads the stored history; a damaged one is dropped. */
function loadHistory() {
  try {
    const stored = JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
    return Array.isArray(stored) ? stored.filter((e) => e && Array.isArray(e.images) && e.images.length) : [];
  } catch {
    return [];
  }
}

/** Stores the history, keeping the newest jobs up to HISTORY_IMAGES images and dropping the oldest on quota errors. */
function saveHistory() {
  const count = () => saved.reduce((sum, e) => sum + e.images.length, 0);
  while (saved.length > 1 && count() > HISTORY_IMAGES) saved.pop();
  for (;;) {
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(saved));
      return;
    } catch (e) {
      if (saved.length === 0) return showError(`The browser would not keep the history (${e.message}).`);
      saved.pop();
      if (saved.length === 0) {
        localStorage.removeItem(HISTORY_KEY);
        return showError('The browser has no room left to keep these results after a reload.');
      }
    }
  }
}

/** Adds a finished job to the history. */
function remember(entry) {
  saved.unshift(entry);
  saveHistory();
}

/** Drops a job from the history. */
function forget(id) {
  saved = saved.filter((e) => e.id !== id);
  saveHistory();
}

/** Empties the history and removes the finished cards. */
function clearHistory() {
  saved = [];
  localStorage.removeItem(HISTORY_KEY);
  for (const card of [...$('results').children]) if (card.dataset.state !== 'running') removeCard(card);
}

// ---------------------------------------------------------------- start

/** Reads the server's settings into the form: defaults, limits, whether it wants a key. */
async function loadInfo() {
  try {
    const info = await (await api('/api/info')).json();
    $('model-info').textContent = `model ${info.model} · ${info.size}×${info.size} px`;
    const { defaults = {}, limits = {} } = info;
    if (defaults.steps !== undefined) $('steps').value = defaults.steps;
    if (defaults.guidance !== undefined) $('guidance').value = defaults.guidance;
    if (limits.n) $('n').max = limits.n;
    if (limits.steps) $('steps').max = limits.steps;
    if (limits.prompt) $('prompt').maxLength = $('edit-prompt').maxLength = limits.prompt;
    if (limits.frames) {
      $('frames').max = limits.frames;
      $('frames').value = Math.min(8, limits.frames);
    }
    if (info.auth) $('api-key-row').hidden = false;
  } catch (e) {
    $('model-info').textContent = 'server settings unknown';
    showError(`Cannot read the server's settings: ${e.message}`);
  }
}

/** Starts a generation from the form. */
function generate(event) {
  event.preventDefault();
  let params;
  try {
    params = readParams();
  } catch (e) {
    return showError(e.message);
  }
  const prompt = $('prompt').value.trim();
  runJob({ kind: 'generation', title: `“${prompt}”`, prompt }, (signal) =>
    postJson('/api/jobs/generations', { prompt, ...params, response_format: 'b64_json' }, signal));
}

/** Wires up the page and shows the stored history. */
function start() {
  $('api-key').value = localStorage.getItem(API_KEY_KEY) || '';
  $('api-key').addEventListener('input', () => localStorage.setItem(API_KEY_KEY, $('api-key').value.trim()));
  $('generate-form').addEventListener('submit', generate);
  $('error-close').addEventListener('click', clearError);
  $('interpolate').addEventListener('click', startInterpolation);
  $('clear-selection').addEventListener('click', () => [...selected].forEach((t) => toggleSelected(t, false)));
  $('clear-history').addEventListener('click', clearHistory);
  $('edit-form').addEventListener('submit', submitEdit);
  $('edit-clear').addEventListener('click', clearMask);
  $('edit-cancel').addEventListener('click', () => $('editor').close());
  setUpBrush();
  saved = loadHistory();
  [...saved].reverse().forEach((entry) => renderCard(entry, 'done'));
  loadInfo();
}

start();

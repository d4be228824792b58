// Compatibility test: drives the npm package `mlflow` 2.0.7 (MLflow API client for Node.js,
// github.com/Yuhsak/mlflow) against a running Cairn server.
//
//   CAIRN_URL=http://127.0.0.1:5123 node --test tests/js-client/
//
// Everything goes through the package's public methods, except where the package has no call
// (or a broken one) for a route; there the package's own transport `req()` is used, so requests
// are encoded exactly as the package encodes them. Raw fetch is used only for /health and the
// artifact upload (the package cannot upload). See ROUTES.md for what goes over the wire.
//
// Without CAIRN_URL every test fails (on purpose: a silent skip would hide a broken CI setup).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import MLflow from 'mlflow';
import { ViewType, RunStatus } from 'mlflow/enum.js';

const BASE = (process.env.CAIRN_URL ?? '').replace(/\/+$/, '');
const SUFFIX = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
const EXP_NAME = `cairn-js-${SUFFIX}`;
const T0 = Date.now() - 60_000; // base timestamp (ms) for everything the test logs

// The package console.log()s the JSON body of every POST. Keep the test output clean by
// capturing those lines (printed at the end when CAIRN_JS_VERBOSE=1).
const sentBodies = [];
const originalLog = console.log;
before(() => {
  console.log = (...args) => {
    if (args.length === 1 && typeof args[0] === 'string') sentBodies.push(args[0]);
    else originalLog(...args);
  };
});
after(() => {
  console.log = originalLog;
  if (process.env.CAIRN_JS_VERBOSE) for (const b of sentBodies) originalLog(`sent: ${b}`);
});

function client() {
  assert.ok(BASE, 'CAIRN_URL is not set (e.g. CAIRN_URL=http://127.0.0.1:5123); this test needs a running server');
  return new MLflow({ endpoint: BASE });
}

// Calls a route through the package's transport (the method is "protected" in the typings only).
function rawReq(group, method, path, params) {
  return client()[group].req(method, path, params);
}

// The package rejects every non-200 answer with Error("Error: {status,statusText,data}").
async function rejection(promise) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'expected the call to be rejected by the server');
  const text = String(err.message).replace(/^Error: /, '');
  try {
    return JSON.parse(text); // { status, statusText, data }
  } catch {
    assert.fail(`not an HTTP error from the server: ${err.message}`);
  }
}

async function assertMlflowError(promise, status, codes) {
  const { status: got, data } = await rejection(promise);
  assert.equal(got, status, `HTTP status (body: ${JSON.stringify(data)})`);
  assert.ok(data && typeof data === 'object', `error body must be a JSON object, got ${JSON.stringify(data)}`);
  const allowed = Array.isArray(codes) ? codes : [codes];
  assert.ok(allowed.includes(data.error_code), `error_code ${data.error_code}, expected one of ${allowed.join(', ')}`);
  assert.equal(typeof data.message, 'string');
  return data;
}

const toMap = (list) => Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value]));
const byKey = (list, key) => (list ?? []).find((m) => m.key === key);
const runIds = (res) => (res.runs ?? []).map((r) => r.info.run_id);

// State shared by the tests below (they run in order).
const s = {};

let runCounter = 10;
async function createRun(name, extraTags = []) {
  const { run } = await client().Runs.create({
    experiment_id: s.expId,
    user_id: 'cairn-js',
    start_time: T0 + runCounter++,
    tags: [{ key: 'mlflow.runName', value: name }, ...extraTags],
  });
  return run;
}

test('server is reachable (CAIRN_URL, GET /health)', async () => {
  assert.ok(BASE, 'CAIRN_URL is not set (e.g. CAIRN_URL=http://127.0.0.1:5123); this test needs a running server');
  const res = await fetch(`${BASE}/health`);
  assert.equal(res.status, 200);
  assert.equal((await res.text()).trim(), 'OK');
});

test('experiments: create, get, get-by-name', async () => {
  const { Experiments } = client();
  const created = await Experiments.create({ name: EXP_NAME });
  assert.equal(typeof created.experiment_id, 'string');
  assert.match(created.experiment_id, /^\d+$/);
  s.expId = created.experiment_id;

  const { experiment } = await Experiments.get({ experiment_id: s.expId });
  assert.equal(experiment.experiment_id, s.expId);
  assert.equal(experiment.name, EXP_NAME);
  assert.equal(experiment.lifecycle_stage, 'active');
  assert.equal(typeof experiment.artifact_location, 'string');
  assert.ok(experiment.artifact_location.length > 0);
  assert.equal(typeof experiment.creation_time, 'number', 'int64 must be a JSON number');
  assert.equal(typeof experiment.last_update_time, 'number', 'int64 must be a JSON number');
  assert.ok(Math.abs(experiment.creation_time - Date.now()) < 10 * 60_000, 'creation_time is ms since epoch');

  // The package has no get-by-name call.
  const byName = await rawReq('Experiments', 'get', '/get-by-name', { experiment_name: EXP_NAME });
  assert.equal(byName.experiment.experiment_id, s.expId);
  assert.equal(byName.experiment.name, EXP_NAME);

  await assertMlflowError(Experiments.create({ name: EXP_NAME }), 400, 'RESOURCE_ALREADY_EXISTS');
  await assertMlflowError(Experiments.get({ experiment_id: '987654321' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  await assertMlflowError(
    rawReq('Experiments', 'get', '/get-by-name', { experiment_name: `${EXP_NAME}-missing` }),
    404,
    'RESOURCE_DOES_NOT_EXIST',
  );
});

test('experiments: list (legacy GET experiments/list) and search', async () => {
  const { Experiments } = client();
  const other = await Experiments.create({ name: `${EXP_NAME}-b` });
  s.otherExpId = other.experiment_id;

  const all = await Experiments.list();
  assert.ok(Array.isArray(all.experiments), 'experiments/list returns {experiments: [...]}');
  const mine = all.experiments.filter((e) => e.name.startsWith(EXP_NAME));
  assert.deepEqual(mine.map((e) => e.name).sort(), [EXP_NAME, `${EXP_NAME}-b`]);
  const listed = all.experiments.find((e) => e.experiment_id === s.expId);
  assert.equal(listed.lifecycle_stage, 'active');
  assert.equal(typeof listed.creation_time, 'number');

  const active = await Experiments.list({ view_type: ViewType.ACTIVE_ONLY });
  assert.ok(active.experiments.some((e) => e.experiment_id === s.expId));
  const deleted = await Experiments.list({ view_type: ViewType.DELETED_ONLY });
  assert.ok(!(deleted.experiments ?? []).some((e) => e.experiment_id === s.expId));

  // experiments/search (MLflow 2.x) is not in the package.
  const exact = await rawReq('Experiments', 'post', '/search', {
    filter: `name = '${EXP_NAME}'`,
    max_results: 10,
  });
  assert.deepEqual(exact.experiments.map((e) => e.experiment_id), [s.expId]);

  const like = await rawReq('Experiments', 'post', '/search', {
    filter: `name LIKE '${EXP_NAME}%'`,
    order_by: ['name DESC'],
    max_results: 10,
  });
  assert.deepEqual(like.experiments.map((e) => e.name), [`${EXP_NAME}-b`, EXP_NAME]);

  const paged = await rawReq('Experiments', 'post', '/search', {
    filter: `name LIKE '${EXP_NAME}%'`,
    order_by: ['name ASC'],
    max_results: 1,
  });
  assert.deepEqual(paged.experiments.map((e) => e.name), [EXP_NAME]);
  assert.equal(typeof paged.next_page_token, 'string');
  const page2 = await rawReq('Experiments', 'post', '/search', {
    filter: `name LIKE '${EXP_NAME}%'`,
    order_by: ['name ASC'],
    max_results: 1,
    page_token: paged.next_page_token,
  });
  assert.deepEqual(page2.experiments.map((e) => e.name), [`${EXP_NAME}-b`]);
});

test('experiments: update (rename) and set tag', async () => {
  const { Experiments } = client();
  const renamed = `${EXP_NAME}-renamed`;
  const res = await Experiments.update({ experiment_id: s.expId, new_name: renamed });
  assert.deepEqual(res, {});
  let { experiment } = await Experiments.get({ experiment_id: s.expId });
  assert.equal(experiment.name, renamed);
  await assertMlflowError(
    rawReq('Experiments', 'get', '/get-by-name', { experiment_name: EXP_NAME }),
    404,
    'RESOURCE_DOES_NOT_EXIST',
  );
  // Rename onto a taken name (reference: BAD_REQUEST; Cairn: RESOURCE_ALREADY_EXISTS).
  await assertMlflowError(
    Experiments.update({ experiment_id: s.otherExpId, new_name: renamed }),
    400,
    ['RESOURCE_ALREADY_EXISTS', 'BAD_REQUEST'],
  );
  s.expName = renamed;

  // Experiments.setExperimentTag() builds ".../experimentsset-experiment-tag" (missing slash),
  // so the tag is set through the package transport with the correct path.
  await rawReq('Experiments', 'post', '/set-experiment-tag', { experiment_id: s.expId, key: 'owner', value: 'cairn' });
  await rawReq('Experiments', 'post', '/set-experiment-tag', { experiment_id: s.expId, key: 'stage', value: 'one' });
  await rawReq('Experiments', 'post', '/set-experiment-tag', { experiment_id: s.expId, key: 'stage', value: 'two' });
  ({ experiment } = await Experiments.get({ experiment_id: s.expId }));
  const tags = toMap(experiment.tags);
  assert.equal(tags.owner, 'cairn');
  assert.equal(tags.stage, 'two', 'experiment tags are upserted');
  assert.equal(experiment.tags.filter((t) => t.key === 'stage').length, 1);

  const found = await rawReq('Experiments', 'post', '/search', {
    filter: `tags.owner = 'cairn' AND name = '${renamed}'`,
    max_results: 5,
  });
  assert.deepEqual(found.experiments.map((e) => e.experiment_id), [s.expId]);
});

test('experiments: setExperimentTag() as the package sends it (path without slash)', async () => {
  // The package posts to ".../experimentsset-experiment-tag"; the server serves that path too.
  const { Experiments } = client();
  await Experiments.setExperimentTag({ experiment_id: s.expId, key: 'via_package', value: 'yes' });
  const { experiment } = await Experiments.get({ experiment_id: s.expId });
  assert.equal(toMap(experiment.tags).via_package, 'yes');
});

test('runs: create and get', async () => {
  const { Runs } = client();
  const start = T0 + 1;
  const { run } = await Runs.create({
    experiment_id: s.expId,
    user_id: 'cairn-js',
    start_time: start,
    tags: [
      { key: 'mlflow.runName', value: 'run-a' },
      { key: 'team', value: 'vision' },
    ],
  });
  const { info } = run;
  assert.match(info.run_id, /^[0-9a-f]{32}$/);
  assert.equal(info.experiment_id, s.expId);
  assert.equal(info.user_id, 'cairn-js');
  assert.equal(info.status, RunStatus.RUNNING);
  assert.equal(info.start_time, start);
  assert.equal(info.end_time, undefined, 'end_time is absent until set');
  assert.equal(info.lifecycle_stage, 'active');
  assert.equal(info.run_name, 'run-a', 'run name comes from the mlflow.runName tag');
  assert.ok(info.artifact_uri.endsWith(`/${info.run_id}/artifacts`), info.artifact_uri);
  const tags = toMap(run.data?.tags);
  assert.equal(tags['mlflow.runName'], 'run-a');
  assert.equal(tags.team, 'vision');
  s.runA = info.run_id;
  s.runAUri = info.artifact_uri;

  const got = await Runs.get({ run_id: s.runA });
  assert.equal(got.run.info.run_id, s.runA);
  assert.equal(got.run.info.run_name, 'run-a');
  assert.equal(got.run.info.start_time, start);
  assert.equal(got.run.info.artifact_uri, s.runAUri);
  assert.equal(toMap(got.run.data.tags).team, 'vision');
  assert.deepEqual(got.run.data.params ?? [], []);

  await assertMlflowError(Runs.get({ run_id: '0123456789abcdef0123456789abcdef' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  await assertMlflowError(
    Runs.create({ experiment_id: '987654321', user_id: 'cairn-js', start_time: T0 }),
    404,
    'RESOURCE_DOES_NOT_EXIST',
  );
});

test('runs: log-parameter, log-metric, set-tag, delete-tag', async () => {
  const { Runs } = client();
  const run_id = s.runA;
  assert.deepEqual(await Runs.logParameter({ run_id, key: 'lr', value: '0.1' }), {});
  await Runs.logParameter({ run_id, key: 'optimizer', value: 'adam' });
  await Runs.logParameter({ run_id, key: 'lr', value: '0.1' }); // same value again: accepted
  await assertMlflowError(Runs.logParameter({ run_id, key: 'lr', value: '0.2' }), 400, 'INVALID_PARAMETER_VALUE');

  assert.deepEqual(await Runs.logMetric({ run_id, key: 'rmse', value: 0.9, timestamp: T0 + 10, step: 0 }), {});
  await Runs.logMetric({ run_id, key: 'rmse', value: 0.6, timestamp: T0 + 20, step: 1 });
  await Runs.logMetric({ run_id, key: 'rmse', value: 0.4, timestamp: T0 + 30, step: 2 });
  // A later point with a smaller step does not become the latest value.
  await Runs.logMetric({ run_id, key: 'rmse', value: 0.45, timestamp: T0 + 40, step: 1 });
  await Runs.logMetric({ run_id, key: 'no_step', value: 7, timestamp: T0 + 50 }); // step defaults to 0
  await Runs.logMetric({ run_id, key: 'big_step', value: -2.5, timestamp: T0 + 60, step: 3_000_000_000 });

  // The package serialises NaN as null: the server sees no value and must reject it (400).
  await assertMlflowError(
    Runs.logMetric({ run_id, key: 'nan', value: NaN, timestamp: T0 + 70, step: 0 }),
    400,
    'INVALID_PARAMETER_VALUE',
  );
  // timestamp is required on the wire.
  await assertMlflowError(Runs.logMetric({ run_id, key: 'no_ts', value: 1 }), 400, 'INVALID_PARAMETER_VALUE');

  assert.deepEqual(await Runs.setTag({ run_id, key: 'phase', value: 'train' }), {});
  await Runs.setTag({ run_id, key: 'phase', value: 'eval' });
  await Runs.setTag({ run_id, key: 'temp', value: 'x' });
  assert.deepEqual(await Runs.deleteTag({ run_id, key: 'temp' }), {});
  await assertMlflowError(Runs.deleteTag({ run_id, key: 'temp' }), 404, 'RESOURCE_DOES_NOT_EXIST');

  const { run } = await Runs.get({ run_id });
  assert.deepEqual(toMap(run.data.params), { lr: '0.1', optimizer: 'adam' });
  const rmse = byKey(run.data.metrics, 'rmse');
  assert.deepEqual(rmse, { key: 'rmse', value: 0.4, timestamp: T0 + 30, step: 2 });
  assert.deepEqual(byKey(run.data.metrics, 'no_step'), { key: 'no_step', value: 7, timestamp: T0 + 50, step: 0 });
  assert.deepEqual(byKey(run.data.metrics, 'big_step'), {
    key: 'big_step',
    value: -2.5,
    timestamp: T0 + 60,
    step: 3_000_000_000,
  });
  assert.equal(byKey(run.data.metrics, 'nan'), undefined);
  assert.equal(run.data.metrics.length, 3, 'one (latest) entry per metric key');
  const tags = toMap(run.data.tags);
  assert.equal(tags.phase, 'eval');
  assert.equal('temp' in tags, false);
});

test('runs: log-batch', async () => {
  const { Runs } = client();
  const run_id = s.runA;
  const res = await Runs.logBatch({
    run_id,
    metrics: [
      { key: 'acc', value: 0.5, timestamp: T0 + 100, step: 0 },
      { key: 'acc', value: 0.75, timestamp: T0 + 110, step: 1 },
      { key: 'acc', value: 0.875, timestamp: T0 + 120, step: 2 },
      { key: 'loss', value: 1.25, timestamp: T0 + 100, step: 0 },
    ],
    params: [
      { key: 'epochs', value: '3' },
      { key: 'model', value: 'resnet' },
    ],
    tags: [
      { key: 'batch_tag', value: 'first' },
      { key: 'batch_tag', value: 'last' },
    ],
  });
  assert.deepEqual(res, {});
  // Params-only and metrics-only batches (the package omits undefined lists).
  await Runs.logBatch({ run_id, params: [{ key: 'seed', value: '42' }] });
  await Runs.logBatch({ run_id, metrics: [{ key: 'loss', value: 0.5, timestamp: T0 + 130, step: 1 }] });

  // A batch that conflicts with a stored param is rejected as a whole.
  await assertMlflowError(
    Runs.logBatch({
      run_id,
      params: [{ key: 'lr', value: '0.5' }],
      tags: [{ key: 'should_not_exist', value: '1' }],
    }),
    400,
    'INVALID_PARAMETER_VALUE',
  );

  const { run } = await Runs.get({ run_id });
  assert.deepEqual(toMap(run.data.params), {
    lr: '0.1',
    optimizer: 'adam',
    epochs: '3',
    model: 'resnet',
    seed: '42',
  });
  assert.deepEqual(byKey(run.data.metrics, 'acc'), { key: 'acc', value: 0.875, timestamp: T0 + 120, step: 2 });
  assert.deepEqual(byKey(run.data.metrics, 'loss'), { key: 'loss', value: 0.5, timestamp: T0 + 130, step: 1 });
  const tags = toMap(run.data.tags);
  assert.equal(tags.batch_tag, 'last', 'a repeated tag key in a batch keeps the last value');
  assert.equal('should_not_exist' in tags, false);
});

test('metrics: get-history', async () => {
  const { Metrics } = client();
  const { metrics } = await Metrics.getHistory({ run_id: s.runA, metric_key: 'rmse' });
  assert.equal(metrics.length, 4);
  for (const m of metrics) {
    assert.equal(m.key, 'rmse');
    assert.equal(typeof m.timestamp, 'number', 'int64 must be a JSON number');
    assert.equal(typeof m.step, 'number', 'int64 must be a JSON number');
  }
  const sorted = [...metrics].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  assert.deepEqual(
    sorted.map((m) => [m.step, m.value, m.timestamp]),
    [
      [0, 0.9, T0 + 10],
      [1, 0.6, T0 + 20],
      [1, 0.45, T0 + 40],
      [2, 0.4, T0 + 30],
    ],
  );

  const acc = await Metrics.getHistory({ run_id: s.runA, metric_key: 'acc' });
  assert.deepEqual(acc.metrics.map((m) => m.value).sort((a, b) => a - b), [0.5, 0.75, 0.875]);

  const none = await Metrics.getHistory({ run_id: s.runA, metric_key: 'never_logged' });
  assert.deepEqual(none.metrics ?? [], []);

  await assertMlflowError(
    Metrics.getHistory({ run_id: '0123456789abcdef0123456789abcdef', metric_key: 'rmse' }),
    404,
    'RESOURCE_DOES_NOT_EXIST',
  );
});

test('runs: search with filter, order_by and paging', async () => {
  const { Runs } = client();
  // run-a: lr 0.1, rmse 0.4 (from the tests above)
  const specs = [
    ['run-b', '0.1', 0.3],
    ['run-c', '0.01', 0.2],
    ['run-d', '0.1', 0.7],
  ];
  for (const [name, lr, rmse] of specs) {
    const run = await createRun(name, [{ key: 'team', value: name === 'run-c' ? 'nlp' : 'vision' }]);
    s[name] = run.info.run_id;
    await Runs.logBatch({
      run_id: run.info.run_id,
      params: [{ key: 'lr', value: lr }],
      metrics: [{ key: 'rmse', value: rmse, timestamp: T0 + 200, step: 0 }],
    });
  }
  s['run-a'] = s.runA;
  const exp = [s.expId];

  const asc = await Runs.search({
    experiment_ids: exp,
    filter: "metrics.rmse < 0.5 and params.lr = '0.1'",
    order_by: ['metrics.rmse ASC'],
  });
  assert.deepEqual(runIds(asc), [s['run-b'], s['run-a']]);
  const first = asc.runs[0];
  assert.equal(first.info.run_name, 'run-b');
  assert.equal(toMap(first.data.params).lr, '0.1');
  assert.equal(byKey(first.data.metrics, 'rmse').value, 0.3);

  const desc = await Runs.search({
    experiment_ids: exp,
    filter: "metrics.rmse < 0.5 and params.lr = '0.1'",
    order_by: ['metrics.rmse DESC'],
  });
  assert.deepEqual(runIds(desc), [s['run-a'], s['run-b']]);

  const allRuns = await Runs.search({ experiment_ids: exp, order_by: ['metrics.rmse DESC'] });
  assert.deepEqual(runIds(allRuns), [s['run-d'], s['run-a'], s['run-b'], s['run-c']]);

  const byParam = await Runs.search({ experiment_ids: exp, filter: "params.lr = '0.01'" });
  assert.deepEqual(runIds(byParam), [s['run-c']]);

  const byTag = await Runs.search({
    experiment_ids: exp,
    filter: "tags.team = 'vision'",
    order_by: ['attributes.run_name ASC'],
  });
  assert.deepEqual(runIds(byTag), [s['run-a'], s['run-b'], s['run-d']]);

  const byName = await Runs.search({ experiment_ids: exp, filter: "attributes.run_name = 'run-c'" });
  assert.deepEqual(runIds(byName), [s['run-c']]);

  const none = await Runs.search({ experiment_ids: exp, filter: 'metrics.rmse > 100' });
  assert.deepEqual(none.runs ?? [], []);

  // Paging: full page -> token; the token gives the next run in the same order.
  const p1 = await Runs.search({
    experiment_ids: exp,
    filter: "params.lr = '0.1'",
    order_by: ['metrics.rmse ASC'],
    max_results: 2,
  });
  assert.deepEqual(runIds(p1), [s['run-b'], s['run-a']]);
  assert.equal(typeof p1.next_page_token, 'string');
  const p2 = await Runs.search({
    experiment_ids: exp,
    filter: "params.lr = '0.1'",
    order_by: ['metrics.rmse ASC'],
    max_results: 2,
    page_token: p1.next_page_token,
  });
  assert.deepEqual(runIds(p2), [s['run-d']]);

  await assertMlflowError(
    Runs.search({ experiment_ids: exp, filter: 'metrics.rmse <' }),
    400,
    'INVALID_PARAMETER_VALUE',
  );
});

test('runs: update status and end time', async () => {
  const { Runs } = client();
  const end = T0 + 5_000;
  const res = await Runs.update({ run_id: s.runA, status: RunStatus.FINISHED, end_time: end });
  assert.equal(res.run_info.run_id, s.runA);
  assert.equal(res.run_info.status, 'FINISHED');
  assert.equal(res.run_info.end_time, end);
  assert.equal(res.run_info.run_name, 'run-a');

  await Runs.update({ run_id: s['run-c'], status: RunStatus.FAILED, end_time: end + 1 });
  await Runs.update({ run_id: s['run-d'], status: RunStatus.KILLED });

  const { run } = await Runs.get({ run_id: s.runA });
  assert.equal(run.info.status, 'FINISHED');
  assert.equal(run.info.end_time, end);
  assert.equal(run.info.start_time, T0 + 1);
  const d = (await Runs.get({ run_id: s['run-d'] })).run.info;
  assert.equal(d.status, 'KILLED');

  const finished = await Runs.search({ experiment_ids: [s.expId], filter: "attributes.status = 'FINISHED'" });
  assert.deepEqual(runIds(finished), [s.runA]);
  const running = await Runs.search({ experiment_ids: [s.expId], filter: "attributes.status = 'RUNNING'" });
  assert.deepEqual(runIds(running), [s['run-b']]);
});

test('runs: delete and restore', async () => {
  const { Runs } = client();
  assert.deepEqual(await Runs.delete({ run_id: s['run-b'] }), {});
  let { run } = await Runs.get({ run_id: s['run-b'] });
  assert.equal(run.info.lifecycle_stage, 'deleted');

  const active = await Runs.search({ experiment_ids: [s.expId], run_view_type: ViewType.ACTIVE_ONLY });
  assert.equal(runIds(active).includes(s['run-b']), false);
  assert.equal(active.runs.length, 3);
  const deleted = await Runs.search({ experiment_ids: [s.expId], run_view_type: ViewType.DELETED_ONLY });
  assert.deepEqual(runIds(deleted), [s['run-b']]);
  const all = await Runs.search({ experiment_ids: [s.expId], run_view_type: ViewType.ALL });
  assert.equal(all.runs.length, 4);

  // A deleted run is read-only.
  await assertMlflowError(
    Runs.logParameter({ run_id: s['run-b'], key: 'late', value: '1' }),
    400,
    'INVALID_PARAMETER_VALUE',
  );

  assert.deepEqual(await Runs.restore({ run_id: s['run-b'] }), {});
  ({ run } = await Runs.get({ run_id: s['run-b'] }));
  assert.equal(run.info.lifecycle_stage, 'active');
  assert.equal(toMap(run.data.params).lr, '0.1');
  const after = await Runs.search({ experiment_ids: [s.expId] });
  assert.equal(after.runs.length, 4);

  await assertMlflowError(Runs.delete({ run_id: '0123456789abcdef0123456789abcdef' }), 404, 'RESOURCE_DOES_NOT_EXIST');
});

test('artifacts: list', async () => {
  const { Artifacts } = client();
  const empty = await Artifacts.list({ run_id: s.runA });
  assert.equal(empty.root_uri, s.runAUri);
  assert.deepEqual(empty.files ?? [], []);

  // The package cannot upload; put two files through the artifact proxy.
  assert.match(s.runAUri, /^mlflow-artifacts:/, 'the server should run with proxied artifacts');
  const rel = new URL(s.runAUri).pathname.replace(/^\/+/, '');
  const put = async (path, body) => {
    const res = await fetch(`${BASE}/api/2.0/mlflow-artifacts/artifacts/${rel}/${path}`, { method: 'PUT', body });
    assert.equal(res.status, 200, `PUT ${path}: ${await res.text()}`);
  };
  await put('model/notes.txt', 'hello cairn\n'); // 12 bytes
  await put('summary.json', '{"ok":true}'); // 11 bytes

  const root = await Artifacts.list({ run_id: s.runA });
  assert.equal(root.root_uri, s.runAUri);
  const rootFiles = [...root.files].sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(rootFiles.map((f) => [f.path, f.is_dir]), [
    ['model', true],
    ['summary.json', false],
  ]);
  assert.equal(rootFiles[1].file_size, 11);
  assert.equal(typeof rootFiles[1].file_size, 'number', 'int64 must be a JSON number');

  const sub = await Artifacts.list({ run_id: s.runA, path: 'model' });
  assert.deepEqual(sub.files, [{ path: 'model/notes.txt', is_dir: false, file_size: 12 }]);

  const missing = await Artifacts.list({ run_id: s.runA, path: 'nope' });
  assert.deepEqual(missing.files ?? [], []);

  await assertMlflowError(Artifacts.list({ run_id: s.runA, path: '../escape' }), 400, 'INVALID_PARAMETER_VALUE');
});

test('experiments: delete and restore (cascades to runs)', async () => {
  const { Experiments, Runs } = client();
  assert.deepEqual(await Experiments.delete({ experiment_id: s.expId }), {});
  let { experiment } = await Experiments.get({ experiment_id: s.expId });
  assert.equal(experiment.lifecycle_stage, 'deleted');
  assert.equal((await Runs.get({ run_id: s.runA })).run.info.lifecycle_stage, 'deleted');

  const active = await Experiments.list({ view_type: ViewType.ACTIVE_ONLY });
  assert.equal(active.experiments.some((e) => e.experiment_id === s.expId), false);
  const deleted = await Experiments.list({ view_type: ViewType.DELETED_ONLY });
  assert.ok(deleted.experiments.some((e) => e.experiment_id === s.expId));
  const all = await Experiments.list({ view_type: ViewType.ALL });
  assert.ok(all.experiments.some((e) => e.experiment_id === s.expId));
  assert.ok(all.experiments.some((e) => e.experiment_id === s.otherExpId));

  const byName = await rawReq('Experiments', 'get', '/get-by-name', { experiment_name: s.expName });
  assert.equal(byName.experiment.lifecycle_stage, 'deleted');
  // The name of a deleted experiment stays taken.
  await assertMlflowError(Experiments.create({ name: s.expName }), 400, 'RESOURCE_ALREADY_EXISTS');
  // Deleting twice: the experiment is no longer active.
  await assertMlflowError(Experiments.delete({ experiment_id: s.expId }), 404, 'RESOURCE_DOES_NOT_EXIST');

  const runsDeleted = await Runs.search({ experiment_ids: [s.expId], run_view_type: ViewType.DELETED_ONLY });
  assert.equal(runsDeleted.runs.length, 4);

  assert.deepEqual(await Experiments.restore({ experiment_id: s.expId }), {});
  ({ experiment } = await Experiments.get({ experiment_id: s.expId }));
  assert.equal(experiment.lifecycle_stage, 'active');
  assert.equal(experiment.name, s.expName);
  const { run } = await Runs.get({ run_id: s.runA });
  assert.equal(run.info.lifecycle_stage, 'active');
  assert.equal(run.info.status, 'FINISHED');
  const restored = await Runs.search({ experiment_ids: [s.expId] });
  assert.equal(restored.runs.length, 4);

  await assertMlflowError(Experiments.restore({ experiment_id: s.expId }), 404, 'RESOURCE_DOES_NOT_EXIST');
});

// Drives node-redis 6 (npm `redis` as `redis6`, default options) and ioredis (npm `ioredis`) against one server: a transaction,
// a SCAN iteration, a pipeline of 10,000 commands and a 2 MiB value each. Prints one "ok <client> <check>" line
// per check passed; exits non-zero with the reason at the first check that fails.
//   node node-clients.mjs HOST PORT
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient, RESP_TYPES } from 'redis6';
import Redis from 'ioredis';

const [host, port] = process.argv.slice(2);
const SCAN_KEYS = 1000;
const PIPELINE = 10_000;
const BIG = 2 * 1024 * 1024;

const big = randomBytes(BIG);

async function nodeRedis() {
  const client = createClient({ url: `redis://${host}:${port}` });
  client.on('error', (e) => { console.error('node-redis error', e); });
  await client.connect();
  const prefix = 'node-redis:';
  await client.del([`${prefix}tx`, `${prefix}ctr`]);
  assert.deepEqual(await client.multi().set(`${prefix}tx`, '1').incr(`${prefix}ctr`).exec(), ['OK', 1]);
  assert.equal(await client.get(`${prefix}tx`), '1');
  console.log('ok node-redis transaction');

  const wanted = new Set();
  for (let i = 0; i < SCAN_KEYS; i++) wanted.add(`${prefix}scan:${i}`);
  await client.mSet([...wanted].map((k) => [k, 'v']));
  const seen = new Set();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}scan:*`, COUNT: 100 })) {
    for (const key of [].concat(keys)) seen.add(key);
  }
  assert.deepEqual([...seen].sort(), [...wanted].sort());
  console.log('ok node-redis scan');

  const replies = await Promise.all(Array.from({ length: PIPELINE }, (_, i) =>
    i % 2 === 0 ? client.set(`${prefix}p:${i}`, String(i)) : client.get(`${prefix}p:${i - 1}`)));
  replies.forEach((reply, i) => assert.equal(reply, i % 2 === 0 ? 'OK' : String(i - 1)));
  console.log('ok node-redis pipeline');

  assert.equal(await client.set(`${prefix}big`, big), 'OK');
  const back = await client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(`${prefix}big`);
  assert.ok(big.equals(back), '2 MiB value differs');
  console.log('ok node-redis big-value');
  await client.quit();
}

async function ioredis() {
  const client = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  const prefix = 'ioredis:';
  await client.del(`${prefix}tx`, `${prefix}ctr`);
  assert.deepEqual(await client.multi().set(`${prefix}tx`, '1').incr(`${prefix}ctr`).exec(), [[null, 'OK'], [null, 1]]);
  console.log('ok ioredis transaction');

  const wanted = [];
  for (let i = 0; i < SCAN_KEYS; i++) wanted.push(`${prefix}scan:${i}`);
  await client.mset(...wanted.flatMap((k) => [k, 'v']));
  const seen = new Set();
  await new Promise((resolve, reject) => {
    client.scanStream({ match: `${prefix}scan:*`, count: 100 })
      .on('data', (keys) => keys.forEach((k) => seen.add(k)))
      .on('end', resolve)
      .on('error', reject);
  });
  assert.deepEqual([...seen].sort(), [...wanted].sort());
  console.log('ok ioredis scan');

  const pipeline = client.pipeline();
  for (let i = 0; i < PIPELINE; i++) {
    if (i % 2 === 0) pipeline.set(`${prefix}p:${i}`, String(i)); else pipeline.get(`${prefix}p:${i - 1}`);
  }
  const results = await pipeline.exec();
  assert.equal(results.length, PIPELINE);
  results.forEach(([error, reply], i) => {
    assert.equal(error, null);
    assert.equal(reply, i % 2 === 0 ? 'OK' : String(i - 1));
  });
  console.log('ok ioredis pipeline');

  assert.equal(await client.set(`${prefix}big`, big), 'OK');
  assert.ok(big.equals(await client.getBuffer(`${prefix}big`)), '2 MiB value differs');
  console.log('ok ioredis big-value');
  client.disconnect();
}

// A client that cannot connect retries for ever with its default options: fail instead.
setTimeout(() => { console.error('timed out'); process.exit(1); }, 60_000).unref();
try {
  await nodeRedis();
  await ioredis();
} catch (e) {
  console.error(e);
  process.exit(1);
}

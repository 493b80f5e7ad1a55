// Drives node-redis 6 (npm `redis` as `redis6`, default options) and ioredis (npm `ioredis`) through an app's own
// ACL user, from its URL alone (redis://user:pass@host:port/db; the user reaches keys matching `app:*` only): a
// transaction, a SCAN iteration, a 2 MiB value and a key outside `app:*` refused. Prints one "ok <client> <check>"
// line per check passed; exits non-zero with the reason at the first check that fails.
//   node node-app-user.mjs URL
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient, RESP_TYPES } from 'redis6';
import Redis from 'ioredis';

const [url] = process.argv.slice(2);
const SCAN_KEYS = 1000;
const BIG = 2 * 1024 * 1024;

const big = randomBytes(BIG);

async function nodeRedis() {
  const client = createClient({ url });
  client.on('error', (e) => { console.error('node-redis error', e); });
  await client.connect();
  const prefix = 'app:node-redis:';
  assert.deepEqual(await client.multi().set(`${prefix}tx`, '1').incr(`${prefix}ctr`).exec(), ['OK', 1]);
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

  assert.equal(await client.set(`${prefix}big`, big), 'OK');
  const back = await client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(`${prefix}big`);
  assert.ok(big.equals(back), '2 MiB value differs');
  console.log('ok node-redis big-value');

  await assert.rejects(client.get('other:node-redis'), /NOPERM/);
  console.log('ok node-redis other-key-refused');
  await client.quit();
}

async function ioredis() {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  const prefix = 'app:ioredis:';
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

  assert.equal(await client.set(`${prefix}big`, big), 'OK');
  assert.ok(big.equals(await client.getBuffer(`${prefix}big`)), '2 MiB value differs');
  console.log('ok ioredis big-value');

  await assert.rejects(client.get('other:ioredis'), /NOPERM/);
  console.log('ok ioredis other-key-refused');
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

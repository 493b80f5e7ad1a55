// Pub/sub with node-redis 5 (npm `redis` as `redis5`, default options): one connection subscribes to a channel and
// a pattern and receives what another publishes, then unsubscribes. Prints one "ok node-redis <check>" line per
// check passed; exits non-zero at the first that fails.
// With a channel and a message, it only publishes that message there, and checks that one client received it.
//   node node-pubsub.mjs HOST PORT [CHANNEL MESSAGE]
import assert from 'node:assert/strict';
import { createClient } from 'redis5';

const [host, port, channel, text] = process.argv.slice(2);
const url = `redis://${host}:${port}`;

if (channel !== undefined) {
  const client = createClient({ url });
  await client.connect();
  assert.equal(await client.publish(channel, text), 1);
  console.log('ok node-redis published');
  await client.quit();
  process.exit(0);
}

function received() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

const subscriber = createClient({ url });
const publisher = createClient({ url });
subscriber.on('error', (e) => { console.error('subscriber error', e); });
publisher.on('error', (e) => { console.error('publisher error', e); });
await subscriber.connect();
await publisher.connect();

const message = received();
const patterned = received();
await subscriber.subscribe('node:news', (text, channel) => message.resolve([channel, text]));
await subscriber.pSubscribe('node:*', (text, channel) => patterned.resolve([channel, text]));
assert.equal(await publisher.publish('node:news', 'hello from node'), 2);
assert.deepEqual(await message.promise, ['node:news', 'hello from node']);
assert.deepEqual(await patterned.promise, ['node:news', 'hello from node']);
assert.equal((await publisher.pubSubNumSub('node:news'))['node:news'], 1);
console.log('ok node-redis subscribe');

await subscriber.unsubscribe('node:news');
await subscriber.pUnsubscribe();
assert.equal(await publisher.publish('node:news', 'nobody'), 0);
console.log('ok node-redis unsubscribe');
await subscriber.quit();
await publisher.quit();

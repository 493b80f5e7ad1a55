// Drives the npm `redis` package (node-redis) against a server: node node-redis.js <package> <port> [resp]
// <package> is redis5 or redis6 (package.json's aliases); [resp] 2 or 3 sets the RESP option, else the package's
// default (node-redis 6: RESP3, its HELLO 3; node-redis 5: RESP2). Prints one line per check; exits 1 on the first
// failure, with what was expected and what came back.
'use strict';
const assert = require('node:assert/strict');
const { createClient } = require(process.argv[2]);
const port = Number(process.argv[3]);
const options = { socket: { host: '127.0.0.1', port, reconnectStrategy: false } };
if (process.argv[4]) {
  options.RESP = Number(process.argv[4]);
}

async function main() {
  const client = createClient(options);
  client.on('error', (e) => { console.error('client error: ' + e.message); process.exitCode = 1; });
  await client.connect();
  console.log('connected');
  assert.equal(await client.set('node:k', 'v1'), 'OK');
  assert.equal(await client.get('node:k'), 'v1');
  assert.equal(await client.get('node:missing'), null);
  console.log('set and get');
  assert.deepEqual(await client.mGet(['node:k', 'node:missing']), ['v1', null]);
  assert.equal(await client.incr('node:n'), 1);
  assert.equal(await client.exists(['node:k', 'node:missing']), 1);
  assert.equal(await client.expire('node:k', 100), 1);
  assert.ok((await client.ttl('node:k')) > 0);
  console.log('mget, incr, exists, expire, ttl');
  const config = await client.configGet('maxmemory*');
  assert.equal(typeof config, 'object');
  assert.ok('maxmemory' in config, JSON.stringify(config));
  console.log('config get');
  const info = await client.info('server');
  assert.match(info, /redis_version:/);
  console.log('info');
  const replies = await Promise.all(Array.from({ length: 10000 }, (_, i) => client.set('node:p' + (i % 100), 'x' + i)));
  assert.equal(replies.length, 10000);
  assert.ok(replies.every((r) => r === 'OK'));
  console.log('pipeline of 10000');
  const big = 'b'.repeat(2 * 1024 * 1024);
  assert.equal(await client.set('node:big', big), 'OK');
  assert.equal(await client.get('node:big'), big);
  console.log('2 MiB value');
  assert.equal(await client.del(['node:k', 'node:n']), 2);
  await client.quit();
  console.log('done');
}

main().catch((e) => { console.error('FAILED: ' + (e.stack || e)); process.exit(1); });

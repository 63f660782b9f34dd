/** Local servers are found when asked: their /models lists, and a port with nothing on it says "not running". */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { findLocalServerModels } from '../../../src/core/llm/local-servers';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { echoHandler } from '../../../src/sim/echo-handler';

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('local OpenAI-compatible servers', () => {
  let sim: SimServer;
  before(async () => {
    sim = await startSimServer({ handler: { ...echoHandler, models: ['llama3.2', 'qwen2.5'] } });
  });
  after(() => sim.close());

  it('lists the models of a running server and says which are not running, with one request each', async () => {
    const port = await closedPort();
    const before = sim.stats.requests;
    const found = await findLocalServerModels([
      { name: 'Sim', baseUrl: sim.url },
      { name: 'Nothing', baseUrl: `http://127.0.0.1:${port}/v1` },
    ]);
    assert.deepEqual(found[0].models, ['llama3.2', 'qwen2.5']);
    assert.equal(found[0].problem, undefined);
    assert.deepEqual(found[1].models, []);
    assert.equal(found[1].problem, 'not running');
    assert.equal(sim.stats.requests - before, 1);
    assert.equal(sim.stats.byPath['/v1/models'], 1);
  });
});

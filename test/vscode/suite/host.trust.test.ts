/** Restricted Mode, unit-level (the harness runs a trusted workspace): the trust gate and the manifest's declaration. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { createTrustGate, trustMessage } from '../../../src/host/trust';
import { redact } from '../../../src/host/logger';
import { isLoopbackOrigin, originOf } from '../../../src/host/secrets';
import { EXTENSION_ID } from './hostHelpers';

suite('host: trust and secrets (unit level)', () => {
  test('the manifest declares limited support for untrusted workspaces', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      capabilities: { untrustedWorkspaces: { supported: unknown; description: string } };
    };
    assert.strictEqual(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(pkg.capabilities.untrustedWorkspaces.description, /language features only/);
  });

  test('an untrusted gate blocks and says why; a trusted one passes', () => {
    assert.strictEqual(createTrustGate(() => false).require('Optimizing a prompt'), false);
    assert.strictEqual(createTrustGate(() => true).require('Optimizing a prompt'), true);
    assert.match(trustMessage('Optimizing a prompt'), /^Optimizing a prompt needs a trusted workspace/);
  });

  test('origins: keys are scoped by scheme, host and port', () => {
    assert.strictEqual(originOf('https://api.openai.com/v1'), 'https://api.openai.com');
    assert.strictEqual(originOf('http://127.0.0.1:8080/v1'), 'http://127.0.0.1:8080');
    assert.strictEqual(originOf('local:/models/x.gguf'), undefined);
    assert.ok(isLoopbackOrigin('http://localhost:11434'));
    assert.ok(!isLoopbackOrigin('https://api.openai.com'));
  });

  test('the log never shows a key', () => {
    const line = redact('calling with sk-abcdefghijklmnop and Bearer xyz123456789 and my-secret-key', [
      'my-secret-key',
    ]);
    assert.ok(!/abcdefghijklmnop|xyz123456789|my-secret-key/.test(line), line);
  });
});

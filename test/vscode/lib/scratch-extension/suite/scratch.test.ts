import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

describe('scratch extension in the real extension host', () => {
  it('opens the fixture workspace and sees the simulator settings', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder');
    assert.ok(fs.existsSync(vscode.Uri.joinPath(folder.uri, 'reviews.prompt.yml').fsPath));
    const baseUrl = vscode.workspace.getConfiguration('whetstone').get<string>('endpoint.baseUrl');
    assert.match(String(baseUrl), /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.strictEqual(process.env.WHETSTONE_SIM_URL, baseUrl);
  });
  it('runs the contributed command', async () => {
    await vscode.commands.executeCommand('whetstoneScratch.touch');
    const folder = vscode.workspace.workspaceFolders![0];
    assert.ok(fs.existsSync(vscode.Uri.joinPath(folder.uri, '.scratch', 'touched.txt').fsPath));
  });
  it('fails on purpose when WHETSTONE_SCRATCH_FAIL is set', function () {
    if (!process.env.WHETSTONE_SCRATCH_FAIL) this.skip();
    assert.strictEqual(1 + 1, 3, 'deliberate failure');
  });
});

suite('tdd interface works too', () => {
  test('suite/test globals', () => assert.ok(true));
});

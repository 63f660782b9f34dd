// Scratch extension for proving the harness without the real one: a context-menu command that asks a quick pick,
// writes a marker file, shows a notification and a webview with a button.
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('whetstoneScratch.touch', async (uri) => {
      const picked = uri ? await vscode.window.showQuickPick(['Alpha — first choice', 'Beta — second choice']) : 'none';
      if (!picked) return;
      const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, '.scratch', 'touched.txt');
      await vscode.workspace.fs.writeFile(target, Buffer.from(`${uri ? uri.path : 'no uri'} ${picked}\n`));
      if (!uri) return;
      vscode.window.showInformationMessage(`Scratch touched ${uri.path.split('/').pop()} with ${picked.split(' ')[0]}`);
      const panel = vscode.window.createWebviewPanel('scratch', 'Scratch', vscode.ViewColumn.One, {
        enableScripts: false,
      });
      panel.webview.html =
        '<!DOCTYPE html><html><body><h1 id="title">Scratch webview</h1><button>Do nothing</button></body></html>';
    }),
  );
};
exports.deactivate = () => undefined;

// Scratch extension for proving the harness: a context-menu command that writes a marker file and shows a notification.
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('whetstoneScratch.touch', async (uri) => {
    const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, '.scratch', 'touched.txt');
    await vscode.workspace.fs.writeFile(target, Buffer.from(`${uri ? uri.path : 'no uri'}\n`));
    vscode.window.showInformationMessage(`Scratch touched ${uri ? uri.path.split('/').pop() : '?'}`);
  }));
};
exports.deactivate = () => undefined;

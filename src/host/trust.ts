/**
 * Restricted Mode: language features work everywhere; anything that runs models, jobs or evaluator code from the
 * workspace asks for trust first and says why.
 */
import * as vscode from 'vscode';

export function trustMessage(action: string): string {
  return (
    `${action} needs a trusted workspace: it sends this workspace's prompts and data to a model and may run its ` +
    `evaluator code. Restricted Mode gives language features only.`
  );
}

export interface TrustGate {
  isTrusted(): boolean;
  /** True when trusted; otherwise explains why `action` is blocked (with a way to manage trust) and returns false. */
  require(action: string): boolean;
}

export function createTrustGate(isTrusted: () => boolean = () => vscode.workspace.isTrusted): TrustGate {
  return {
    isTrusted,
    require(action) {
      if (isTrusted()) return true;
      void vscode.window.showWarningMessage(trustMessage(action), 'Manage Workspace Trust').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return false;
    },
  };
}

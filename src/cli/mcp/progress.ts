/** MCP progress notifications for a tool call whose caller asked for them (a progressToken in the request). */
export interface ToolExtra {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification(notification: {
    method: 'notifications/progress';
    params: { progressToken: string | number; progress: number; total?: number; message?: string };
  }): Promise<void>;
}

export function progressReporter(extra: ToolExtra): (progress: number, total: number, message: string) => void {
  const token = extra._meta?.progressToken;
  let last = -1;
  return (progress, total, message) => {
    // Progress must increase with every notification (MCP spec); equal steps are dropped.
    if (token === undefined || progress <= last) return;
    last = progress;
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress, total, message },
      })
      .catch(() => undefined);
  };
}

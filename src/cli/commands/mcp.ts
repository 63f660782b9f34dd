/** `whetstone mcp [--trust]`: serve the CLI's tools over stdio to an MCP client (an agent, VS Code's mcp.json). */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createWhetstoneMcpServer } from '../mcp/server';

export async function mcpCommand(flags: { trust?: boolean }, version: string): Promise<number> {
  const { server, close } = createWhetstoneMcpServer({ root: process.cwd(), trust: Boolean(flags.trust), version });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.connect(transport);
  await closed;
  // Jobs still running end as cancelled in their logs (resumable), never orphaned.
  await close();
  await server.close().catch(() => undefined);
  return 0;
}

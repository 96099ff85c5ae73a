// Drive an EnvFactory MCP server with the official TypeScript SDK client (@modelcontextprotocol/sdk).
//
// Usage: node client.mjs SPEC_JSON, where SPEC_JSON is
//   {"transport": "stdio", "command": [...], "env": {...}, "calls": [{"name": ..., "arguments": {...}}]}
//   {"transport": "http", "url": "http://127.0.0.1:PORT/mcp", "calls": [...]}
// Prints one JSON object: the listed tools (name, has output schema), the negotiated protocol version,
// and per call either {"result": CallToolResult} or {"thrown": message} when the SDK raised.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const spec = JSON.parse(process.argv[2]);
const transport =
  spec.transport === "stdio"
    ? new StdioClientTransport({
        command: spec.command[0],
        args: spec.command.slice(1),
        env: spec.env,
        stderr: "ignore",
      })
    : new StreamableHTTPClientTransport(new URL(spec.url));
const client = new Client({ name: "envfactory-ts-client-test", version: "1.0.0" });
await client.connect(transport);
const listed = await client.listTools();
const calls = [];
for (const call of spec.calls) {
  try {
    calls.push({ result: await client.callTool({ name: call.name, arguments: call.arguments }) });
  } catch (error) {
    calls.push({ thrown: String(error && error.message ? error.message : error) });
  }
}
const out = {
  protocolVersion: transport.protocolVersion ?? null,
  tools: listed.tools.map((tool) => ({ name: tool.name, hasOutputSchema: Boolean(tool.outputSchema) })),
  calls,
};
await client.close();
process.stdout.write(JSON.stringify(out) + "\n");

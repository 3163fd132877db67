/** `host:port` as lsof and netstat print a local endpoint. */

/**
 * `*:5000`, `127.0.0.1:5000`, `[::1]:5000`, `[::]:5665` → host without brackets and port;
 * null for anything else (no port, port above 65535, empty host).
 */
export function parseEndpoint(text: string): { host: string; port: number } | null {
  const match = /^\[?([^[\]]+?)\]?:(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  return match?.[1] && port <= 65535 ? { host: match[1], port } : null;
}

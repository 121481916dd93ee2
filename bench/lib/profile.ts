// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by package and the hottest
// functions, so a benchmark can say where a request's CPU goes.
// `tsx bench/lib/profile.ts <file.cpuprofile>` prints the summary.
import { readFileSync } from "node:fs";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type Profile = {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

/** Which package a script belongs to: an npm package name, a workspace package, or node itself. */
export function packageOf(url: string): string {
  if (!url) return "(native / GC / idle)";
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1] as string;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const ws = /\/(packages|apps|bench)\/([^/]+)\//.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  if (url.startsWith("node:")) return "node:internal";
  return url;
}

export function summarise(file: string, top = 15) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName;
    if (name === "(idle)" || name === "(program)") {
      idle += us;
      continue;
    }
    total += us;
    const pkg =
      name === "(garbage collector)" ? "(garbage collector)" : packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const key = `${name || "(anonymous)"} ${pkg}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    busyMs: total / 1000,
    idleMs: idle / 1000,
    packages: sorted(byPackage).map(([k, us]) => ({ name: k, ms: us / 1000, share: us / total })),
    functions: sorted(byFunction).map(([k, us]) => ({ name: k, ms: us / 1000, share: us / total })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summarise(process.argv[2] as string, Number(process.argv[3] ?? 25));
  console.log(`busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms`);
  console.log("\nself time by package:");
  for (const p of s.packages)
    console.log(
      `  ${(p.share * 100).toFixed(1).padStart(5)}%  ${p.ms.toFixed(0).padStart(6)} ms  ${p.name}`,
    );
  console.log("\nhottest functions (self):");
  for (const f of s.functions)
    console.log(
      `  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`,
    );
}

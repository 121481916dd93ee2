// `pnpm bench`: speed and memory figures, each against a baseline measured in the same run.
import { paginationBench } from "./pagination";
import { storageBench } from "./storage";

console.log(
  `Streamline AI Studio benchmarks (node ${process.version}, ${new Date().toISOString()})`,
);
await paginationBench();
await storageBench();

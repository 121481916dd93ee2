// `streamline generate "prompt" --model gpt-image-2`: an internal app in a few lines, on the typed
// client. Prints a live progress bar from the subscription and the final URL.
import { parseArgs } from "node:util";
import { createMediaClient, type MediaProgressEvent as ProgressEvent } from "@streamline/client";

const USAGE = `Usage: streamline generate "<prompt>" [--model <id>] [--option key=value ...]
  --url       server URL (default $STREAMLINE_URL or http://localhost:3000)
  --api-key   API key from the studio (default $STREAMLINE_API_KEY)
  --model     catalog model id (default gpt-image-2; see "streamline models")`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: "string", default: "gpt-image-2" },
      option: { type: "string", multiple: true, default: [] },
      url: { type: "string", default: process.env.STREAMLINE_URL ?? "http://localhost:3000" },
      "api-key": { type: "string", default: process.env.STREAMLINE_API_KEY ?? "" },
    },
  });
  const [command, prompt] = positionals;
  const url = values.url;
  const client = createMediaClient({ url, apiKey: values["api-key"] });

  if (command === "models") {
    for (const m of await client.media.models.query()) {
      console.log(
        `${m.id.padEnd(28)} ${m.type.padEnd(6)} ${m.available ? "available" : `unavailable: ${m.unavailableMessage}`}`,
      );
    }
    return 0;
  }
  if (command !== "generate" || !prompt) {
    console.error(USAGE);
    return 2;
  }
  if (!values["api-key"]) {
    console.error("Set STREAMLINE_API_KEY or pass --api-key (create one in the studio).");
    return 2;
  }
  const models = await client.media.models.query();
  const model = models.find((m) => m.id === values.model);
  if (!model) {
    console.error(`Unknown model ${values.model}. Run "streamline models".`);
    return 2;
  }
  const options = Object.fromEntries(
    values.option.map((pair) => {
      const [key, value = ""] = pair.split("=");
      return [key, /^\d+$/.test(value) ? Number(value) : value];
    }),
  );
  const { asset } = await client.media.generate.mutate({
    type: model.type,
    model: model.id,
    prompt,
    options,
  });
  console.log(`Asset ${asset.id} queued on ${model.label}.`);

  const final = await new Promise<ProgressEvent>((resolve, reject) => {
    const subscription = client.media.onProgress.subscribe(
      { assetId: asset.id },
      {
        onData: ({ data }) => {
          process.stdout.write(`${progressBar(data)}\n`);
          if (["succeeded", "failed", "canceled"].includes(data.status)) {
            subscription.unsubscribe();
            resolve(data);
          }
        },
        onError: reject,
      },
    );
  });
  if (final.status !== "succeeded") {
    console.error(`Generation ${final.status}: ${final.error?.message ?? "no details"}`);
    return 1;
  }
  const done = await client.media.byId.query({ id: asset.id });
  console.log(`Result: ${new URL(done.resultUrl ?? "", url).toString()}`);
  return 0;
}

function progressBar(event: ProgressEvent): string {
  const width = 30;
  const filled = Math.round((event.progress / 100) * width);
  const percent = `${event.estimated && event.progress < 100 ? "~" : ""}${event.progress}%`;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent.padStart(5)} ${event.phase}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);

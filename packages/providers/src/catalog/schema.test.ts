import { describe, expect, it } from "vitest";
import { CAPTION_MODELS } from "./captions";
import { findModelSpec, MODEL_CATALOG } from "./index";
import {
  addCatalogModels,
  CatalogFileError,
  captionModelSpecSchema,
  catalogFileSchema,
  modelSpecSchema,
} from "./schema";

const extraImage = {
  id: "gpt-image-9-test",
  label: "GPT Image 9 (test)",
  provider: "openai",
  type: "image",
  api: "openai-images",
  lifecycle: { stage: "preview", source: "operator, 2026-12-07" },
  referenceImage: true,
  options: { size: { label: "Size", values: ["1024x1024"], default: "1024x1024" } },
  pricing: { unit: "image", usd: 0.05, source: "operator's price list" },
  typicalSeconds: 20,
};

describe("the catalog schema", () => {
  it("accepts every built-in row (the same schema checks operators' files)", () => {
    for (const spec of MODEL_CATALOG) expect(modelSpecSchema.parse(spec)).toBeTruthy();
    for (const spec of CAPTION_MODELS) expect(captionModelSpecSchema.parse(spec)).toBeTruthy();
  });

  it("explains every problem on its own line, with its path", () => {
    const error = (() => {
      try {
        addCatalogModels({
          models: [
            {
              ...extraImage,
              api: "openai-videos",
              pricing: { unit: "image", usd: -1, source: "x" },
              options: { size: { label: "Size", values: ["1x1"], default: "2x2" } },
            },
          ],
          extra: true,
        });
      } catch (e) {
        return e as CatalogFileError;
      }
    })();
    expect(error).toBeInstanceOf(CatalogFileError);
    expect(error?.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^models\[0\]\.pricing\.usd: /),
        expect.stringMatching(/^models\[0\]\.options\.size\.default: the default must be one of/),
        expect.stringMatching(/^\(file\): .*extra/),
      ]),
    );
    expect(error?.message.split("\n")).toEqual(error?.issues);
  });

  it("adds a model every catalog reader sees, once; a different row with a taken id is refused", () => {
    expect(addCatalogModels({ models: [extraImage] })).toEqual({
      models: ["gpt-image-9-test"],
      captionModels: [],
    });
    expect(findModelSpec("gpt-image-9-test")?.label).toBe("GPT Image 9 (test)");
    // The same file again (a second server in one process): nothing new, no error.
    expect(addCatalogModels({ models: [extraImage] }).models).toEqual([]);
    expect(() => addCatalogModels({ models: [{ ...extraImage, label: "Other" }] })).toThrow(
      /models\[0\]\.id: "gpt-image-9-test" is already in the catalog/,
    );
    expect(() => addCatalogModels({ models: [{ ...extraImage, id: "sora-2" }] })).toThrow(
      /already in the catalog/,
    );
    expect(catalogFileSchema.parse({})).toEqual({ models: [], captionModels: [] });
  });
});

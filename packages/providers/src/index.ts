export * from "./catalog";
export * from "./errors";
export { createGoogle, type GoogleProviderSettings } from "./google";
export { createOpenAI } from "./openai";
export * from "./poll";
export * from "./reference-image";
export * from "./registry";
export * from "./retry";
export * from "./types";

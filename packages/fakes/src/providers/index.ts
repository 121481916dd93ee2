// msw handlers that reproduce the providers' documented APIs, shared by the providers' own tests,
// the server's tests, the e2e suite and the offline demo mode.
export * from "./faults";
export * from "./fixtures";
export * from "./google";
export * from "./google-captions";
export * from "./http-server";
export * from "./openai";
export * from "./openai-responses";

// Offline demo mode, loaded by the runtime (a dynamic import) only when the server runs in demo mode:
// with no provider keys (or MEDIA_DEMO=1) generations and captions are answered by the provider
// fakes, and without ZERNIO_API_KEY posting by the Zernio fake, all inside this process. This folder
// is the only production code that imports @streamline/fakes.
export { createDemoProviders } from "./providers";
export { createSocialDemo } from "./social";

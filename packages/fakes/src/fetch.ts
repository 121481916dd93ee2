// A plain `fetch` answered by msw handlers, with nothing installed globally: the OpenAI and
// @google/genai SDK clients and our Zernio client take it as their `fetch` option. Offline demo mode
// runs the very handlers the tests install with msw's `setupServer`, through this function.
import { getResponse, type RequestHandler } from "msw";

export interface FakeFetchOptions {
  /** Which requests the handlers answer; every other request goes out through `passthrough`. */
  serves: (url: URL) => boolean;
  /** The answer when a served request matches no handler. */
  notServed: () => Response;
  /** Where the other requests go (default: the global `fetch` at call time). */
  passthrough?: typeof fetch;
}

export function createFakeFetch(
  handlers: readonly RequestHandler[],
  options: FakeFetchOptions,
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    if (!options.serves(new URL(request.url))) return (options.passthrough ?? fetch)(request);
    return (await getResponse([...handlers], request)) ?? options.notServed();
  };
}

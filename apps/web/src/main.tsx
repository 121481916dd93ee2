import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { Toaster } from "sonner";
import { navigate } from "wouter/use-browser-location";
import { App } from "./App";
import { errorCode } from "./lib/errors";
import { createTrpcClient, trpc } from "./trpc";
import "./styles.css";

/** A session that expired mid-visit: back to sign-in, then back here. */
function onApiError(error: unknown) {
  if (errorCode(error) === "UNAUTHORIZED" && !location.pathname.startsWith("/sign-")) {
    navigate(`/sign-in?next=${encodeURIComponent(location.pathname)}`);
  }
}

// Answers that retrying cannot change (validation, auth, missing key, not found, quota).
const FINAL = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "PRECONDITION_FAILED",
  "TOO_MANY_REQUESTS",
  "CONFLICT",
];

function Root() {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onApiError }),
        mutationCache: new MutationCache({ onError: onApiError }),
        defaultOptions: {
          queries: {
            staleTime: 10_000,
            retry: (failures, error) => failures < 2 && !FINAL.includes(errorCode(error) ?? ""),
          },
        },
      }),
  );
  const [trpcClient] = useState(createTrpcClient);
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <App />
        {/* Bottom corner: never over the header's account menu. */}
        <Toaster position="bottom-right" theme="system" richColors closeButton />
      </QueryClientProvider>
    </trpc.Provider>
  );
}

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root");
createRoot(container).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

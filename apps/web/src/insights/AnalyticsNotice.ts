// "No analytics access": said once per user (a toast), then analytics.dismissNotice records it.
// One cached query; nothing polls.
import { useEffect } from "react";
import { toast } from "sonner";
import { trpc } from "../trpc";

export function useAnalyticsNotice() {
  const access = trpc.analytics.access.useQuery(undefined, {
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const dismiss = trpc.analytics.dismissNotice.useMutation();
  const show = access.data?.showNotice === true;
  const message = access.data?.message;
  const { mutate } = dismiss;
  useEffect(() => {
    if (!show) return;
    toast.info("Post figures are off", {
      id: "analytics-access",
      description: message ?? "Your Zernio workspace has no analytics add-on.",
      duration: 12_000,
    });
    mutate();
  }, [show, message, mutate]);
}

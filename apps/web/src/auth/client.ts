// Accounts: better-auth, mounted by the server at /api/auth (same origin, httpOnly cookie session).
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient({ basePath: "/api/auth" });

export type StudioUser = { name: string; email: string };

export type StudioSession =
  | { state: "loading" }
  | { state: "signed-out" }
  | { state: "unreachable"; message: string }
  | { state: "signed-in"; user: StudioUser };

type SessionHook = ReturnType<typeof authClient.useSession>;

/** better-auth's session hook, read into the states the studio's guard and menu care about. */
export function toStudioSession(
  hook: Pick<SessionHook, "data" | "error" | "isPending">,
): StudioSession {
  if (hook.isPending) return { state: "loading" };
  const user = hook.data?.user;
  if (user)
    return { state: "signed-in", user: { name: user.name || user.email, email: user.email } };
  if (hook.error) {
    return { state: "unreachable", message: hook.error.statusText || "The server did not answer." };
  }
  return { state: "signed-out" };
}

export function useStudioSession(): StudioSession {
  return toStudioSession(authClient.useSession());
}

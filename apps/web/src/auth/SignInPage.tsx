import { useState } from "react";
import { Link } from "wouter";
import { AuthField, AuthScreen, useAuthAction } from "./AuthScreen";
import { authClient } from "./client";

export default function SignInPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, submit } = useAuthAction(
    (fetchOptions) => authClient.signIn.email({ email, password }, fetchOptions),
    "Could not sign in.",
  );

  return (
    <AuthScreen
      title="Sign in"
      subtitle="Welcome back. Pick up where you left off."
      submitLabel={busy ? "Signing in…" : "Sign in"}
      busy={busy}
      error={error}
      onSubmit={() => void submit()}
      footer={
        <>
          New here? <Link href={`/sign-up${location.search}`}>Create an account</Link>
        </>
      }
    >
      <AuthField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={setEmail}
      />
      <AuthField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={setPassword}
      />
    </AuthScreen>
  );
}

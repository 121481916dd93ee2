import { useState } from "react";
import { Link } from "wouter";
import { AuthScreen } from "./AuthScreen";
import { authClient } from "./client";

export default function SignInPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    const result = await authClient.signIn.email({ email, password });
    setBusy(false);
    if (result.error) return setError(result.error.message ?? "Could not sign in.");
  };

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
      <label className="field">
        <span className="label">Email</span>
        <input
          className="input"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="label">Password</span>
        <input
          className="input"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
    </AuthScreen>
  );
}

import { useState } from "react";
import { Link } from "wouter";
import { AuthField, AuthScreen, useAuthAction } from "./AuthScreen";
import { authClient } from "./client";

// Mirrors PASSWORD_RULES in packages/auth (server code is not bundled); the server has the last
// word and its message is shown as is.
const PASSWORD_MIN = 10;
const PASSWORD_HINT = `At least ${PASSWORD_MIN} characters, with a letter and a number.`;

function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password))
    return "Use at least one letter and one number.";
  return null;
}

export default function SignUpPage() {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, submit } = useAuthAction(
    (fetchOptions) =>
      authClient.signUp.email({ email, password, name: name.trim() || email }, fetchOptions),
    "Could not create the account.",
    () => passwordProblem(password),
  );

  return (
    <AuthScreen
      title="Create your account"
      subtitle="Generate product images and UGC-style videos in minutes."
      submitLabel={busy ? "Creating account…" : "Create account"}
      busy={busy}
      error={error}
      onSubmit={() => void submit()}
      footer={
        <>
          Already have an account? <Link href={`/sign-in${location.search}`}>Sign in</Link>
        </>
      }
    >
      <AuthField label="Name" name="name" autoComplete="name" value={name} onChange={setName} />
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
        autoComplete="new-password"
        required
        hint={PASSWORD_HINT}
        value={password}
        onChange={setPassword}
      />
    </AuthScreen>
  );
}

import { lazy, Suspense } from "react";
import { Redirect, Route, Switch } from "wouter";
import { RequireSession } from "./auth/RequireSession";
import { useDocumentTitle } from "./lib/page";

// The studio is the first paint for almost everyone; the account screens load on demand.
const loadStudio = () => import("./studio/StudioPage");
const StudioPage = lazy(loadStudio);
// Fetch the studio chunk alongside the session check instead of after it.
if (location.pathname === "/" || location.pathname.startsWith("/ai-studio")) void loadStudio();
const SignInPage = lazy(() => import("./auth/SignInPage"));
const SignUpPage = lazy(() => import("./auth/SignUpPage"));
const ApiKeysPage = lazy(() => import("./settings/ApiKeysPage"));
const AccountPage = lazy(() => import("./settings/AccountPage"));
// The posts page (list and calendar) is its own chunk: the studio's first load does not carry it.
const PostsPage = lazy(() => import("./posts/PostsPage"));
const InsightsPage = lazy(() => import("./insights/InsightsPage"));

export function App() {
  return (
    <Suspense
      fallback={
        <div className="splash" role="status">
          <span className="spinner" aria-hidden="true" /> Loading…
        </div>
      }
    >
      <Switch>
        <Route path="/">
          <Redirect to="/ai-studio" replace />
        </Route>
        <Route path="/ai-studio">
          <RequireSession path="/ai-studio">
            <StudioPage />
          </RequireSession>
        </Route>
        <Route path="/posts">
          <RequireSession path="/posts">
            <PostsPage />
          </RequireSession>
        </Route>
        <Route path="/insights">
          <RequireSession path="/insights">
            <InsightsPage />
          </RequireSession>
        </Route>
        <Route path="/settings/api-keys">
          <RequireSession path="/settings/api-keys">
            <ApiKeysPage />
          </RequireSession>
        </Route>
        <Route path="/settings/account">
          <RequireSession path="/settings/account">
            <AccountPage />
          </RequireSession>
        </Route>
        <Route path="/sign-in" component={SignInPage} />
        <Route path="/sign-up" component={SignUpPage} />
        <Route component={NotFound} />
      </Switch>
    </Suspense>
  );
}

function NotFound() {
  useDocumentTitle("Page not found");
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1 className="auth-title">Page not found</h1>
        <a className="button" href="/ai-studio">
          Go to the studio
        </a>
      </div>
    </main>
  );
}

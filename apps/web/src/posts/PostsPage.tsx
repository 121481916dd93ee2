// /posts: every post in one place — a list (upcoming queue, history) and a calendar (month,
// week) in the user's timezone, with the same filters. Loaded on its own route.
import { lazy, Suspense, useDeferredValue, useState } from "react";
import { AppHeader } from "../AppHeader";
import { useDocumentTitle } from "../lib/page";
import { browserZone } from "../social/schedule/time";
import "../social/social.css";
import { Filters } from "./Filters";
import { PostList } from "./PostList";
import { QueueSlotsDialog } from "./QueueSlotsDialog";
import "./posts.css";
import { NO_FILTERS, POSTS_TITLE_ID, type PostFilters } from "./types";
import { usePostActions } from "./usePostActions";

const Calendar = lazy(() => import("./Calendar"));

type Tab = "upcoming" | "history" | "calendar";
const TABS: Array<[Tab, string]> = [
  ["upcoming", "Upcoming"],
  ["history", "History"],
  ["calendar", "Calendar"],
];

export default function PostsPage() {
  useDocumentTitle("Posts");
  const [zone] = useState(browserZone);
  const [tab, setTab] = useState<Tab>(() =>
    new URLSearchParams(location.search).get("view") === "calendar" ? "calendar" : "upcoming",
  );
  const [filters, setFilters] = useState<PostFilters>(NO_FILTERS);
  // Typing in the search box does not refetch on every key.
  const q = useDeferredValue(filters.q);
  const actions = usePostActions(zone);
  const [slotsOpen, setSlotsOpen] = useState(false);
  return (
    <div className="app">
      <AppHeader />
      <main className="posts-page">
        <div className="posts-head">
          <h1 id={POSTS_TITLE_ID} className="settings-title" tabIndex={-1}>
            Posts
          </h1>
          <p className="muted">Times in your timezone, {zone}.</p>
          <button type="button" className="button button-small" onClick={() => setSlotsOpen(true)}>
            Queue slots…
          </button>
        </div>
        {slotsOpen && <QueueSlotsDialog zone={zone} onClose={() => setSlotsOpen(false)} />}
        <nav className="posts-tabs" aria-label="Posts views">
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              className="button button-small"
              aria-pressed={tab === id}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </nav>
        <Filters value={filters} onChange={setFilters} dates={tab !== "calendar"} />
        {tab === "calendar" ? (
          <Suspense fallback={<p className="muted">Loading the calendar…</p>}>
            <Calendar filters={filters} q={q} zone={zone} actions={actions} />
          </Suspense>
        ) : (
          <PostList view={tab} filters={filters} q={q} zone={zone} actions={actions} />
        )}
      </main>
    </div>
  );
}

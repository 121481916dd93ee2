import { type ReactNode, useLayoutEffect, useRef } from "react";
import { Link, useLocation } from "wouter";
import { UserMenu } from "./auth/UserMenu";

/**
 * The sticky top bar every signed-in page shares. Its height is published as --header-h, which
 * the stylesheet uses for scroll-padding-top (a focused control is never under the bar) and for
 * the scroll margin of whatever the studio brings into view.
 */
export function AppHeader({ children }: { children?: ReactNode }) {
  const bar = useRef<HTMLElement>(null);
  const [here] = useLocation();
  useLayoutEffect(() => {
    const node = bar.current;
    if (!node) return;
    const publish = () =>
      document.documentElement.style.setProperty("--header-h", `${node.offsetHeight}px`);
    publish();
    const observer = new ResizeObserver(publish);
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  return (
    <header ref={bar} className="topbar">
      <Link className="brand" href="/ai-studio">
        <span className="brand-mark" aria-hidden="true" /> Streamline{" "}
        <span className="brand-sub">AI Studio</span>
      </Link>
      <nav className="topbar-nav" aria-label="Main">
        <Link href="/ai-studio" aria-current={here === "/ai-studio" ? "page" : undefined}>
          Studio
        </Link>
        <Link href="/posts" aria-current={here === "/posts" ? "page" : undefined}>
          Posts
        </Link>
        <Link href="/insights" aria-current={here === "/insights" ? "page" : undefined}>
          Insights
        </Link>
      </nav>
      <div className="topbar-end">
        {children}
        <UserMenu />
      </div>
    </header>
  );
}

// The Radix Tooltip behind <Hint> (loaded on first use, see Hint.tsx): opens on hover after a
// short delay and at once on keyboard focus, closes on Escape, a press or leaving; while open the
// trigger is described by the text (aria-describedby on a role="tooltip" copy).
import * as Tooltip from "@radix-ui/react-tooltip";
import type { ReactElement } from "react";

export function HintTip({
  text,
  children,
}: {
  text: string | null | undefined;
  children: ReactElement;
}) {
  return (
    <Tooltip.Provider delayDuration={500} skipDelayDuration={300}>
      <Tooltip.Root>
        <Tooltip.Trigger asChild>{children}</Tooltip.Trigger>
        {text ? (
          <Tooltip.Portal>
            <Tooltip.Content className="hint-tip" sideOffset={6} collisionPadding={8}>
              {text}
              <Tooltip.Arrow className="hint-tip-arrow" width={10} height={5} />
            </Tooltip.Content>
          </Tooltip.Portal>
        ) : null}
      </Tooltip.Root>
    </Tooltip.Provider>
  );
}

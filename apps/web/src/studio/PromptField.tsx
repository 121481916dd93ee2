import { promptLength, promptProblem as serverPromptProblem } from "@streamline/api/prompt";
import { type KeyboardEvent, type Ref, useSyncExternalStore } from "react";
import { useLimits } from "../lib/limits";

const count = new Intl.NumberFormat();

// A touch screen (no keyboard at hand) gets no Ctrl/⌘ + Enter hint: its primary pointer is coarse.
const COARSE = "(pointer: coarse)";
const subscribeCoarse = (change: () => void) => {
  const query = window.matchMedia?.(COARSE);
  query?.addEventListener("change", change);
  return () => query?.removeEventListener("change", change);
};
export const useCoarsePointer = () =>
  useSyncExternalStore(
    subscribeCoarse,
    () => window.matchMedia?.(COARSE).matches ?? false,
    () => false,
  );

/**
 * The server's own prompt rule (the same module validates media.generate): trimmed, visible text,
 * 1 … maxLength characters counted in code points.
 */
export function promptProblem(prompt: string, maxLength: number): string | null {
  return serverPromptProblem(prompt, maxLength) ?? null;
}

export function PromptField(props: {
  value: string;
  onChange: (value: string) => void;
  onSubmitShortcut: () => void;
  /** Shown under the field: the server's field error, or ours once the user tried to submit. */
  error: string | null;
  inputRef?: Ref<HTMLTextAreaElement>;
}) {
  const { value, onChange, onSubmitShortcut, error } = props;
  const maxLength = useLimits().promptMaxLength;
  const length = promptLength(value);
  const over = length > maxLength;
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmitShortcut();
    }
  };
  const touch = useCoarsePointer();
  const describedBy = [touch ? "" : "prompt-hint", "prompt-count", error ? "prompt-error" : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="field">
      <label className="label" htmlFor="prompt">
        Describe your product / scene
      </label>
      <textarea
        ref={props.inputRef}
        id="prompt"
        name="prompt"
        className="textarea"
        rows={4}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Stylized product photo of creatine gummies in a gym bag, soft morning light"
        aria-invalid={Boolean(error) || over}
        aria-describedby={describedBy}
      />
      <div className="field-foot">
        {touch ? (
          <span />
        ) : (
          <span id="prompt-hint" className="hint">
            <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> to generate
          </span>
        )}
        {/* Not a live region: read with the field (aria-describedby), not on every keystroke;
            going over the limit is announced once, by the error below. */}
        <span id="prompt-count" className={`counter${over ? " is-over" : ""}`}>
          {count.format(length)} / {count.format(maxLength)}
        </span>
      </div>
      {error && (
        <p id="prompt-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

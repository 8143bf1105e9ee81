// VS Code injects its theme as CSS variables on the webview's <html>; canvas drawing needs them as concrete colours.

export function themeColor(variable: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(variable).trim();
  return value || fallback;
}

/** Calls `onChange` when VS Code switches theme (it rewrites the body's class and the variables). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

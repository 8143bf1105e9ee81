// The report panel's HTML, kept free of vscode imports so the browser screenshot test loads exactly this page.
import { webviewPage, type WebviewPageOptions } from '../../../webviews/src/shared/page';

export { createNonce } from '../../../webviews/src/shared/page';

export interface ReportHtmlOptions extends WebviewPageOptions {
  title: string;
}

export function reportHtml(options: ReportHtmlOptions): string {
  return webviewPage({ ...options, body: '<main id="app" data-state="loading"></main>' });
}

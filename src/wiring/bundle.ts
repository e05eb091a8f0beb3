/**
 * The product's workflow code, bundled. `npm run build` bundles it once into dist/ (see
 * PREBUILT_WORKFLOW_BUNDLE) so a production worker starts without webpack; running from the
 * TypeScript sources (`npm start`, tests) bundles it once per process or test run instead.
 * Webpack's statistics, which the SDK logs at info level as one long multi-line message, are left
 * out; warnings and errors still reach `logger`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { workflowsPath } from './workflows-path.js';

/** File name of the bundle `npm run build` writes next to the compiled code (dist/). */
export const PREBUILT_WORKFLOW_BUNDLE = 'workflow-bundle.js';
/** The same workflows with the OpenTelemetry workflow interceptors (OTEL_EXPORTER_OTLP_ENDPOINT set). */
export const PREBUILT_TRACED_WORKFLOW_BUNDLE = 'workflow-bundle-traced.js';

export interface BundleWorkflowsOptions {
  /** The workflows' entry point; default: this tree's (src/workflows/index.ts or dist/workflows/index.js). */
  workflowsPath?: string;
  /** Extra workflow interceptor modules (tracing). */
  workflowInterceptorModules?: string[];
}

export async function bundleWorkflows(logger: Logger, options: BundleWorkflowsOptions = {}): Promise<{ code: string }> {
  const drop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? workflowsPath(),
    ...(options.workflowInterceptorModules ? { workflowInterceptorModules: options.workflowInterceptorModules } : {}),
    logger: {
      log: (level, message, meta) => {
        if (level === 'WARN' || level === 'ERROR') logger.log(level, message, meta);
      },
      trace: drop,
      debug: drop,
      info: drop,
      warn: (message, meta) => logger.warn(message, meta),
      error: (message, meta) => logger.error(message, meta),
    },
  });
  return { code };
}

/**
 * The bundle `npm run build` wrote beside this module's tree (dist/workflow-bundle.js), if there is
 * one. Running from src/ there is none: src/ never holds a build output.
 */
export function prebuiltWorkflowBundle(fileName: string): { codePath: string } | undefined {
  const codePath = fileURLToPath(new URL(`../${fileName}`, import.meta.url));
  return existsSync(codePath) ? { codePath } : undefined;
}

/**
 * The product's workflow code, bundled. `npm run build` bundles it once into dist/ (see
 * WORKFLOW_BUNDLE_VARIANTS) so a production worker starts without webpack; running from the
 * TypeScript sources (`npm start`, tests) bundles it once per process or test run instead.
 * Webpack's statistics, which the SDK logs at info level as one long multi-line message, are left
 * out; warnings and errors still reach `logger`.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { ENCRYPTED_FAILURE_CONVERTER_PATH } from '../codec/data-converter.js';
import { TRACING_WORKFLOW_INTERCEPTOR_MODULES } from '../observability/tracing.js';
import { workflowsPath } from './workflows-path.js';

/**
 * What the workflow code is bundled with, besides the workflows: the OpenTelemetry workflow
 * interceptors (tracing on), and the failure converter that encodes failure messages (payload
 * encryption on; the sandbox turns workflow errors into failures with the bundled converter).
 */
export interface WorkflowBundleVariant {
  traced: boolean;
  encryptedFailures: boolean;
}

/** Every variant `npm run build` prebuilds, so no combination of settings bundles at start. */
export const WORKFLOW_BUNDLE_VARIANTS: readonly WorkflowBundleVariant[] = [false, true].flatMap((traced) =>
  [false, true].map((encryptedFailures) => ({ traced, encryptedFailures })),
);

/** dist/ file name of a variant: workflow-bundle.js, -traced, -encrypted, -traced-encrypted. */
export function prebuiltBundleFileName(variant: WorkflowBundleVariant): string {
  return `workflow-bundle${variant.traced ? '-traced' : ''}${variant.encryptedFailures ? '-encrypted' : ''}.js`;
}

/** The bundler options that make a variant. */
export function bundleOptionsFor(variant: WorkflowBundleVariant): Omit<BundleWorkflowsOptions, 'workflowsPath'> {
  return {
    ...(variant.traced ? { workflowInterceptorModules: TRACING_WORKFLOW_INTERCEPTOR_MODULES } : {}),
    ...(variant.encryptedFailures ? { failureConverterPath: ENCRYPTED_FAILURE_CONVERTER_PATH } : {}),
  };
}

/**
 * Modules loaded once per workflow thread and shared by every workflow in it, instead of once per
 * workflow: zod, the largest library in the bundle (measured: about 0.4 MB less per cached order
 * workflow). Safe because it keeps no per-workflow state; the SDK deep-freezes shared modules, so a
 * write to one fails loudly rather than leaking between workflows. Our own schema modules cannot be
 * shared: zod binds a schema's methods onto the schema on first use, which a frozen schema refuses.
 */
export const SHARED_WORKFLOW_MODULES = ['zod'] as const;

export interface BundleWorkflowsOptions {
  /** The workflows' entry point; default: this tree's (src/workflows/index.ts or dist/workflows/index.js). */
  workflowsPath?: string;
  /** Extra workflow interceptor modules (tracing). */
  workflowInterceptorModules?: string[];
  /** A module exporting `failureConverter`, used inside the sandbox (payload encryption). */
  failureConverterPath?: string;
}

export async function bundleWorkflows(logger: Logger, options: BundleWorkflowsOptions = {}): Promise<{ code: string }> {
  const drop = () => undefined;
  const entry = options.workflowsPath ?? workflowsPath();
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    preloadModules: [...SHARED_WORKFLOW_MODULES],
    // Ours first (src/workflows/interceptors.ts, beside the entry point), then any extra (tracing).
    workflowInterceptorModules: [ownInterceptorsPath(entry), ...(options.workflowInterceptorModules ?? [])],
    ...(options.failureConverterPath ? { failureConverterPath: options.failureConverterPath } : {}),
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

/** The product's interceptor module next to the workflows' entry point (.ts from src, .js from dist). */
function ownInterceptorsPath(entry: string): string {
  return join(dirname(entry), `interceptors${extname(entry)}`);
}

/**
 * The bundle of this variant that `npm run build` wrote beside this module's tree
 * (dist/workflow-bundle*.js), if there is one. Running from src/ there is none: src/ never holds a
 * build output.
 */
export function prebuiltWorkflowBundle(variant: WorkflowBundleVariant): { codePath: string } | undefined {
  const codePath = fileURLToPath(new URL(`../${prebuiltBundleFileName(variant)}`, import.meta.url));
  return existsSync(codePath) ? { codePath } : undefined;
}

/**
 * The product's workflow code, bundled once per process (or per test run). Webpack's statistics,
 * which the SDK logs at info level as one long multi-line message, are left out; warnings and
 * errors still reach `logger`.
 */
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { workflowsPath } from './workflows-path.js';

export async function bundleWorkflows(logger: Logger): Promise<{ code: string }> {
  const drop = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsPath(),
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

export { applyOmsEvent, type EventAnswer } from './apply-event.js';
export {
  OMS_EVENTS_PATH,
  OMS_SERVER_READY,
  referenceOmsListener,
  startReferenceOmsServer,
  type ReferenceOmsServerOptions,
  type RunningOmsServer,
} from './reference-oms-server.js';
export { ReferenceOmsClient, type OmsProgress } from './reference-oms-client.js';

import type { Handlers } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';
import { ClearDeliveries } from './ClearDeliveries.js';
import { CreateImsSession } from './CreateImsSession.js';
import { InjectIncomingCall } from './InjectIncomingCall.js';
import { InjectMediaChange } from './InjectMediaChange.js';
import { InjectRemoteRelease } from './InjectRemoteRelease.js';
import { ListDeliveries } from './ListDeliveries.js';
import { ListScenarios } from './ListScenarios.js';
import { ModifyImsSession } from './ModifyImsSession.js';
import { ReleaseImsSession } from './ReleaseImsSession.js';
import { RetryDelivery } from './RetryDelivery.js';
import { Subscribe } from './Subscribe.js';
import { UpdateImsSession } from './UpdateImsSession.js';

/** Every operation of the served specs; a missing one fails to compile. */
export const handlers = {
  CreateImsSession,
  UpdateImsSession,
  ModifyImsSession,
  ReleaseImsSession,
  Subscribe,
  ListScenarios,
  InjectIncomingCall,
  InjectMediaChange,
  InjectRemoteRelease,
  ListDeliveries,
  ClearDeliveries,
  RetryDelivery,
} satisfies Handlers<HandlerContext>;

import { describeCallControlClient } from './support/call-control-suite.js';
import { useReferenceServer } from './support/reference-server.js';

describeCallControlClient(useReferenceServer());

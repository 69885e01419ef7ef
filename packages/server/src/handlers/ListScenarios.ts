import type { ListScenariosReply, ListScenariosRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';
import { scenarios } from '../simulator/scenarios.js';

/** Lists the call scenarios of the simulated network (simulator control API, not 3GPP). */
export async function ListScenarios(_request: ListScenariosRequest, context: HandlerContext): Promise<ListScenariosReply> {
  return {
    status: 200,
    body: {
      defaultScenario: context.simulator.defaultScenario,
      scenarios: Object.values(scenarios).map((s) => ({
        name: s.name,
        description: s.description,
        events: s.steps.map((step) => step.event),
      })),
    },
  };
}

import { createTransport, type CallOptions, type MmtelClientOptions, type Outcome } from './client-options.js';
import { apiUrl, CALL_EVENT_API, createCallEventFetchClient, type CallEventFetchClient } from './generated/clients.gen.js';
import { settle } from './settle.js';

/** The typed operation of MMTel_CallEvent, named after its operationId. */
export interface CallEventOperations<ThrowOnError extends boolean = false> {
  /**
   * The pseudo operation POST /session-event-subscriptions. It exists to carry the Session Event
   * Notification callback, whose target is configured in the server, which is not expected to
   * act on it (the reference server answers 501).
   *
   * @see 3GPP TS 29.392 clause 6.3.3.2
   */
  subscribe(body: unknown, options?: CallOptions): Promise<Outcome<unknown, ThrowOnError>>;
}

/** A MMTel_CallEvent client: the openapi-fetch client bound to the generated paths, plus its typed operation. */
export type CallEventClient<ThrowOnError extends boolean = false> = CallEventFetchClient & CallEventOperations<ThrowOnError>;

/** Creates a MMTel_CallEvent client whose operation throws a `MmtelProblemError` for a 4xx/5xx. */
export function createCallEventClient(options: MmtelClientOptions & { throwOnError: true }): CallEventClient<true>;
/** Creates a MMTel_CallEvent client; `baseUrl` is the server's {apiRoot}. */
export function createCallEventClient(options: MmtelClientOptions): CallEventClient;
export function createCallEventClient(options: MmtelClientOptions): CallEventClient<boolean> {
  const transport = createTransport(options, apiUrl(options.baseUrl, CALL_EVENT_API.basePath));
  const client = createCallEventFetchClient({
    apiRoot: options.baseUrl,
    fetch: transport.fetch,
    Request: transport.Request,
    redirect: 'manual',
    ...(options.headers !== undefined && { headers: options.headers }),
  });
  client.use(...transport.middleware);
  return {
    ...client,
    use(...middleware) {
      client.use(...middleware);
      for (const installed of middleware) transport.callerMiddleware.add(installed);
    },
    eject(...middleware) {
      client.eject(...middleware);
      for (const ejected of middleware) transport.callerMiddleware.delete(ejected);
    },
    async subscribe(body, options = {}) {
      return settle(
        await transport.typedCall({ method: 'POST', path: '/session-event-subscriptions', body, options }, () =>
          client.POST('/session-event-subscriptions', { body, ...options }),
        ),
      );
    },
  };
}

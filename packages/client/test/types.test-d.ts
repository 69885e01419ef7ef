// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck), never run. They import the
// package by name, which resolves to src/ through the @mmtel/source condition (no build). Each
// `@ts-expect-error` fails the type check if the line below it compiles.
import { expectTypeOf } from 'vitest';
import {
  createCallControlClient,
  type CallControl,
  type CreatedImsSession,
  type ImsSession,
  type MmtelResult,
  type MmtelSuccess,
  type ProblemDetails,
} from '@mmtel/client';

const client = createCallControlClient({ baseUrl: 'http://127.0.0.1:1' });
const throwing = createCallControlClient({ baseUrl: 'http://127.0.0.1:1', throwOnError: true });
const body: ImsSession = {
  afId: 'af-1',
  imsSessionInfo: { callingParty: 'tel:+1', calledParty: 'tel:+2' },
  notifUri: 'http://as.example/n',
};

export async function wrongBodies(): Promise<void> {
  // @ts-expect-error calledParty is mandatory in an ImsSessionInfo
  await client.createImsSession({ afId: 'af-1', imsSessionInfo: { callingParty: 'tel:+1' }, notifUri: 'http://as.example/n' });
  // @ts-expect-error afId is mandatory in an ImsSession (TS 29.522)
  await client.createImsSession({ imsSessionInfo: body.imsSessionInfo, notifUri: 'http://as.example/n' });
  // @ts-expect-error maxDuration is a number of seconds, not a string
  await client.modifyImsSession('s-1', { imsSessionInfo: { maxDuration: '60' } });
  // @ts-expect-error a merge patch is not a full ImsSession: PUT takes the whole resource
  await client.updateImsSession('s-1', { imsSessionInfo: { maxDuration: 60 } });
  // @ts-expect-error the raw client checks bodies against the generated paths too
  await client.POST('/ims-sessions', { body: { ...body, afId: 42 } });
}

export async function wrongPathParameters(): Promise<void> {
  // @ts-expect-error the path parameter is called sessionId
  await client.PUT('/ims-sessions/{sessionId}', { params: { path: { id: 's-1' } }, body });
  // @ts-expect-error the path parameter is mandatory
  await client.DELETE('/ims-sessions/{sessionId}', {});
  // @ts-expect-error a session identifier is a string
  await client.releaseImsSession(42);
  // @ts-expect-error the API defines no GET on a session
  await client.GET('/ims-sessions/{sessionId}', { params: { path: { sessionId: 's-1' } } });
}

export async function undocumentedStatuses(): Promise<void> {
  type CreateResponses = CallControl.operations['CreateImsSession']['responses'];
  type ReleaseResponses = CallControl.operations['ReleaseImsSession']['responses'];
  expectTypeOf<CreateResponses[201]['content']['application/json']>().toEqualTypeOf<ImsSession>();
  // @ts-expect-error CreateImsSession documents 201, not 200
  expectTypeOf<CreateResponses[200]>().toBeObject();
  // @ts-expect-error ReleaseImsSession documents no 409
  expectTypeOf<ReleaseResponses[409]>().toBeObject();
  // @ts-expect-error a 204 has no content to read
  expectTypeOf<ReleaseResponses[204]['content']['application/json']>().toBeObject();
  const released = await client.releaseImsSession('s-1');
  expectTypeOf(released.data).toEqualTypeOf<undefined>();
}

export async function resultTypes(): Promise<void> {
  const created = await client.createImsSession(body);
  expectTypeOf(created).toEqualTypeOf<MmtelResult<CreatedImsSession>>();
  if (created.error) expectTypeOf(created.error).toEqualTypeOf<ProblemDetails>();
  else expectTypeOf(created.data.sessionId).toEqualTypeOf<string>();
  // throwOnError: only the success can come back.
  expectTypeOf(await throwing.createImsSession(body)).toEqualTypeOf<MmtelSuccess<CreatedImsSession>>();
  // The raw client's data is the generated ImsSession, not a mapped copy of it (openapi-fetch
  // 0.17's Readable<> turns the extensible enums' `string & {}` into objects: keep 0.16).
  const { data } = await client.POST('/ims-sessions', { body });
  expectTypeOf(data).toEqualTypeOf<ImsSession | undefined>();
  const error = (await client.PATCH('/ims-sessions/{sessionId}', { params: { path: { sessionId: 's-1' } }, body: {} })).error;
  expectTypeOf(error).toEqualTypeOf<ProblemDetails | undefined>();
}

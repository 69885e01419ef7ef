/*
 * The published contract: the two TS 29.392 APIs, who consumes each side of it, and the
 * published artifacts that carry it to them.
 */

/** Who is affected by a change: an SDK user sends requests and reads answers; an AS receives notifications and answers them. */
export type Consumer = 'sdk-user' | 'receiver';

/** One published API and its bundled specs (file names in specs/bundled/ and specs/released/). */
export interface ContractApi {
  /** `MMTel_CallControl`. */
  name: string;
  /** `callcontrol`: the SDK artifacts are named after it. */
  key: string;
  /** The bundled spec: the operations an SDK user calls. */
  bundled: string;
  /** The notification receiver's view: each callback as a path the AS serves. */
  callbacks: string;
}

/** The APIs whose contract is published (the simulator's control API is not). */
export const CONTRACT_APIS: readonly ContractApi[] = [
  {
    name: 'MMTel_CallControl',
    key: 'callcontrol',
    bundled: 'TS29392_MMTel_CallControl.bundled.yaml',
    callbacks: 'TS29392_MMTel_CallControl.callbacks.bundled.yaml',
  },
  {
    name: 'MMTel_CallEvent',
    key: 'callevent',
    bundled: 'TS29392_MMTel_CallEvent.bundled.yaml',
    callbacks: 'TS29392_MMTel_CallEvent.callbacks.bundled.yaml',
  },
];

/** A published artifact whose version announces contract changes. */
export interface PublishedArtifact {
  /** `@mmtel/client`, `org.mmtel:mmtel-callcontrol` (Maven), `mmtel-callcontrol` (PyPI). */
  name: string;
  /** Repository-relative file that holds its version. */
  versionFile: string;
}

/**
 * The artifacts a change of `api` breaks for `consumer`. The npm packages: @mmtel/client carries
 * the operations, @mmtel/receiver the notifications (both bundle @mmtel/types). The Java and
 * Python SDKs of an API carry both: their models include the notification types an AS reads.
 */
export function affectedArtifacts(api: ContractApi, consumer: Consumer): PublishedArtifact[] {
  const npm =
    consumer === 'sdk-user'
      ? { name: '@mmtel/client', versionFile: 'packages/client/package.json' }
      : { name: '@mmtel/receiver', versionFile: 'packages/receiver/package.json' };
  return [
    npm,
    { name: `org.mmtel:mmtel-${api.key}`, versionFile: `sdks/java/mmtel-${api.key}/pom.xml` },
    { name: `mmtel-${api.key}`, versionFile: `sdks/python/mmtel-${api.key}/pyproject.toml` },
  ];
}

/** Every published artifact, in a stable order. */
export function publishedArtifacts(apis: readonly ContractApi[] = CONTRACT_APIS): PublishedArtifact[] {
  const all = new Map<string, PublishedArtifact>();
  for (const api of apis)
    for (const consumer of ['sdk-user', 'receiver'] as const)
      for (const artifact of affectedArtifacts(api, consumer)) all.set(artifact.name, artifact);
  return [...all.values()];
}

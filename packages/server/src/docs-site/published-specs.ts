import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundledSpecsDir } from '../bundled-specs-dir.js';

/** What a published document describes: an API this server serves, or what an AS's notification receiver serves. */
export type SpecRole = 'api' | 'receiver';

/** One bundled spec the server publishes under /specs/ and shows on the docs page. */
export interface PublishedSpec {
  /** The file name under /specs/ without its extension, e.g. `TS29392_MMTel_CallControl`. */
  name: string;
  /** The title on the docs page and in the index. */
  title: string;
  role: SpecRole;
  /** The generated file in specs/bundled/. */
  bundle: string;
}

/**
 * The documents the server publishes: both TS 29.392 APIs, the simulator's API when it is served,
 * and the receiver-side view of each API's callbacks (`*.callbacks.bundled.yaml`), in which every
 * notification is an operation of its own: "What your AS receives".
 */
export function publishedSpecs(options: { simulator: boolean }): PublishedSpec[] {
  const specs: PublishedSpec[] = [
    { name: 'TS29392_MMTel_CallControl', title: 'MMTel_CallControl', role: 'api', bundle: 'TS29392_MMTel_CallControl.bundled.yaml' },
    { name: 'TS29392_MMTel_CallEvent', title: 'MMTel_CallEvent', role: 'api', bundle: 'TS29392_MMTel_CallEvent.bundled.yaml' },
  ];
  if (options.simulator)
    specs.push({ name: 'MMTel_Simulator', title: 'Simulator (not 3GPP)', role: 'api', bundle: 'MMTel_Simulator.bundled.yaml' });
  specs.push(
    {
      name: 'TS29392_MMTel_CallControl.callbacks',
      title: 'What your AS receives: IMS Session Notification',
      role: 'receiver',
      bundle: 'TS29392_MMTel_CallControl.callbacks.bundled.yaml',
    },
    {
      name: 'TS29392_MMTel_CallEvent.callbacks',
      title: 'What your AS receives: Session Event Notification',
      role: 'receiver',
      bundle: 'TS29392_MMTel_CallEvent.callbacks.bundled.yaml',
    },
  );
  return specs;
}

/** A published spec as served: the YAML text as generated, and its JSON form. */
export interface SpecFile {
  yaml: string;
  json: string;
}

/**
 * Reads the published specs on first use and keeps them: the docs are not on the start-up path,
 * and a server that is never asked for them never reads them.
 */
export class SpecFiles {
  private readonly cache = new Map<string, Promise<SpecFile>>();

  constructor(private readonly specs: readonly PublishedSpec[]) {}

  /** The spec published under `name`, or undefined when there is none. */
  get(name: string): Promise<SpecFile> | undefined {
    const spec = this.specs.find((candidate) => candidate.name === name);
    if (spec === undefined) return undefined;
    let file = this.cache.get(name);
    if (file === undefined) {
      file = readSpec(spec.bundle);
      // A failed read is not kept: the next request tries again.
      file.catch(() => this.cache.delete(name));
      this.cache.set(name, file);
    }
    return file;
  }
}

async function readSpec(bundle: string): Promise<SpecFile> {
  const yaml = await readFile(fileURLToPath(new URL(bundle, bundledSpecsDir)), 'utf8');
  // Loaded at the first spec served, not at start (~100 ms of module loading).
  const { parse } = await import('yaml');
  return { yaml, json: JSON.stringify(parse(yaml)) };
}

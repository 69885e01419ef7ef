/**
 * The SDKs `pnpm generate:sdks` makes: one per API and language, each from the bundled spec that
 * `pnpm generate` writes, with openapi-generator's own options (normalizer, templates, ignore
 * file) rather than edits of its output.
 */

/** One SDK: the openapi-generator configuration of one API in one language. */
export interface SdkTarget {
  /** `java-callcontrol`, … */
  name: string;
  language: 'java' | 'python';
  /** The hand-authored spec the bundle comes from (named in every generated file's header). */
  sourceSpec: string;
  /** Repo-relative input: the bundled spec. */
  inputSpec: string;
  /** Repo-relative output directory; everything in it is generated. */
  outputDir: string;
  /**
   * Repo-relative `.openapi-generator-ignore` placed in the output directory before generation:
   * the files of openapi-generator's default output this project does not want.
   */
  ignoreFile: string;
  /** openapi-generator batch configuration (paths repo-relative, resolved by the runner). */
  config: GeneratorConfig;
}

/** The subset of openapi-generator's batch configuration used here. */
export interface GeneratorConfig {
  generatorName: string;
  library?: string;
  templateDir: string;
  openapiNormalizer: Record<string, string | boolean>;
  additionalProperties: Record<string, string | boolean>;
}

const VERSION = '0.2.0';

const apis = [
  {
    key: 'callcontrol',
    title: 'MMTel_CallControl',
    spec: 'specs/TS29392_MMTel_CallControl.yaml',
    bundled: 'specs/bundled/TS29392_MMTel_CallControl.bundled.yaml',
  },
  {
    key: 'callevent',
    title: 'MMTel_CallEvent',
    spec: 'specs/TS29392_MMTel_CallEvent.yaml',
    bundled: 'specs/bundled/TS29392_MMTel_CallEvent.bundled.yaml',
  },
] as const;

const normalizer = {
  // 3GPP extensible enumerations (`anyOf: [enum, string]`, TS 29.501 clause 5.2.3.3) become one
  // enumeration type instead of a wrapper class per enumeration; the templates then make that
  // type open, so that a value a newer peer sends is kept instead of failing deserialization.
  SIMPLIFY_ANYOF_STRING_AND_ENUM_STRING: true,
};

/** The Java SDKs: `java`, library `native` (java.net.http and Jackson only). */
function javaTarget(api: (typeof apis)[number]): SdkTarget {
  const artifactId = `mmtel-${api.key}`;
  return {
    name: `java-${api.key}`,
    language: 'java',
    sourceSpec: api.spec,
    inputSpec: api.bundled,
    outputDir: `sdks/java/${artifactId}`,
    ignoreFile: 'tools/sdkgen/ignore/java.openapi-generator-ignore',
    config: {
      generatorName: 'java',
      // `native` needs nothing but the JDK's HTTP client and Jackson: an AS on any JDK ≥ 11 takes
      // no OkHttp, Gson or Spring with the SDK, and PATCH with a custom media type just works.
      library: 'native',
      templateDir: 'tools/sdkgen/templates/java',
      openapiNormalizer: normalizer,
      additionalProperties: {
        sourceSpec: api.spec,
        groupId: 'org.mmtel',
        artifactId,
        artifactVersion: VERSION,
        artifactDescription: `Java SDK of ${api.title} (3GPP TS 29.392), generated from ${api.spec}`,
        artifactUrl: '',
        invokerPackage: `org.mmtel.${api.key}`,
        apiPackage: `org.mmtel.${api.key}.api`,
        modelPackage: `org.mmtel.${api.key}.model`,
        // Same specs, same bytes: no generation date in @Generated.
        hideGenerationTimestamp: true,
        useJakartaEe: true,
        // A merge patch (ImsSessionPatch) removes an attribute by sending null: nullable attributes
        // are JsonNullable, which tells "absent" from "null".
        openApiNullable: true,
        // Maps and lists start as null, not empty: an empty `mediaComponents` or `events` the caller
        // never set would be sent, and the specs forbid both (minProperties/minItems 1); in a merge
        // patch it would even be a change.
        containerDefaultToNull: true,
        // The hand-written Maven parent and aggregator sdks/java/pom.xml pins every plugin and
        // dependency version and the Java release once for the SDKs, the integration tests and
        // the example (templates/java/libraries/native/pom.mustache names it).
        parentGroupId: 'org.mmtel',
        parentArtifactId: 'mmtel-java-parent',
        parentVersion: VERSION,
        licenseName: 'Apache-2.0',
        licenseUrl: 'https://www.apache.org/licenses/LICENSE-2.0',
        developerName: 'MMTel OpenAPI toolkit',
        developerEmail: '',
        developerOrganization: '',
        developerOrganizationUrl: '',
        scmConnection: '',
        scmDeveloperConnection: '',
        scmUrl: '',
      },
    },
  };
}

/** The Python SDKs: `python` (pydantic v2, urllib3). */
function pythonTarget(api: (typeof apis)[number]): SdkTarget {
  const project = `mmtel-${api.key}`;
  return {
    name: `python-${api.key}`,
    language: 'python',
    sourceSpec: api.spec,
    inputSpec: api.bundled,
    outputDir: `sdks/python/${project}`,
    ignoreFile: 'tools/sdkgen/ignore/python.openapi-generator-ignore',
    config: {
      generatorName: 'python',
      templateDir: 'tools/sdkgen/templates/python',
      openapiNormalizer: normalizer,
      additionalProperties: {
        sourceSpec: api.spec,
        packageName: `mmtel_${api.key}`,
        projectName: project,
        packageVersion: VERSION,
        // The schemas leave additionalProperties unset, i.e. allowed: a newer peer may send attributes
        // this version does not know. By default the generator drops them when reading, so a session
        // read from a newer server and PUT back would lose them; with this each model keeps them in
        // `additional_properties` and writes them out again.
        disallowAdditionalPropertiesIfNotPresent: false,
      },
    },
  };
}

/** Every SDK, in a stable order. */
export const sdkTargets: readonly SdkTarget[] = [...apis.map(javaTarget), ...apis.map(pythonTarget)];

export { generatorJar, generatorVersion, runGenerator } from './openapi-generator.js';
export { sdkTargets, type SdkTarget } from './sdk-targets.js';

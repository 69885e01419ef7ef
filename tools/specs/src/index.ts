export { checkProvenance, checkComponent, type ProvenanceProblem } from './provenance-check.js';
export { departuresList, provisionalList } from './provenance-lists.js';
export {
  parseManifest,
  readManifest,
  type ComponentProvenance,
  type Departure,
  type FileProvenance,
  type ProvenanceManifest,
} from './provenance-manifest.js';
export { MANIFEST_PATH } from './repo-paths.js';

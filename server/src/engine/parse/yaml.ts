/**
 * The YAML reader's public surface; its parts live in `parse/yaml/`:
 *  - `tree.ts` — the tree handed out (maps, sequences, scalars with spans; documents) and the helpers that walk it;
 *  - `limits.ts` — parse options and the limits kept on hostile input;
 *  - `read.ts` — the only module that imports the `yaml` package: bounded reading into the tree, aliases and
 *    merge keys charged to the alias budget, template constructs marked unknown;
 *  - `template-text.ts` — the text the parser reads for a template (Go templates, Terraform `templatefile`
 *    syntax; actions found by `template-actions.ts`): control lines blank, other actions `_`s, offsets kept;
 *  - `ahead.ts` — parses a host made ahead on another thread, handed in and found by text;
 *  - `yaml-file.ts` — `YamlFile`, a file kept between edits and parsed document by document (with `split.ts`,
 *    `pieces.ts` and `move.ts`).
 */
export type { ScalarValue, YScalar, YPair, YMap, YSeq, YNode, YDocument, YamlParseResult } from './yaml/tree';
export { get, getValue, asMap, asSeq, asScalar, scalarString, scalarText } from './yaml/tree';
export { YAML_LIMITS, optionsKeyOf, type YamlParseOptions } from './yaml/limits';
export { parseYaml } from './yaml/read';
export { isTemplateText, blankControlLines, type ControlLines } from './yaml/template-text';
export { documentStarts } from './yaml/split';
export { YamlFile, firstPieceTexts, type ChangedSince, type DocumentMove, type TextChangeRange, type YamlFileStats } from './yaml/yaml-file';
export { setParsesAhead, willRead, packParse, unpackParse, type ParsesAhead, type PackedParse, type ReadAhead } from './yaml/ahead';
export { readCounted } from './yaml/read';
export type { CountedParse } from './yaml/tree';

export { writeBundle } from './bundle-file.js';
export { checkTemplateFolder } from './check.js';
export { parsePartFileName } from './file-names.js';
export { type LoadedTemplates, loadTemplateFolder } from './load.js';
export { compileMjml } from './mjml.js';
export { DEFAULT_BUNDLE_PATH, DEFAULT_TEMPLATES_DIR } from './paths.js';
export { checkTemplateTopics, readTopicRegistry, TOPICS_FILE } from './topics.js';

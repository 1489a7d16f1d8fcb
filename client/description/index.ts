export { type DescriptionSlots, useDescriptionSlots } from './board-slots';
export { CardDescriptionExtras } from './CardDescriptionExtras';
export { DescriptionEditor, type DescriptionEditorProps } from './DescriptionEditor';
export { setEditingCard } from './presence';

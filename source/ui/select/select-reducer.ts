export interface SelectOption<T> {
	label: string;
	value: T;
	/** A disabled option can be focused, to read why, but not chosen. */
	disabled?: boolean;
	/** Details shown under the label on one line, e.g. where they did not fit beside it. */
	detail?: string;
	/** Shown in full under the focused option, and on one line under a disabled one. */
	hint?: string;
}

export interface SelectState {
	focused: number;
	count: number;
}

export type SelectAction = { type: 'up' } | { type: 'down' } | { type: 'reset'; disabled: boolean[] };

/** Focus starts on the first option that can be chosen. */
export function initialSelectState(disabled: boolean[]): SelectState {
	const first = disabled.findIndex((isDisabled) => !isDisabled);
	return { focused: first === -1 ? 0 : first, count: disabled.length };
}

/** Moves focus, wrapping around; reducer-based so keys that arrive together are never dropped. */
export function selectReducer(state: SelectState, action: SelectAction): SelectState {
	if (action.type === 'reset') return initialSelectState(action.disabled);
	if (state.count === 0) return state;
	const step = action.type === 'down' ? 1 : -1;
	return { ...state, focused: (state.focused + step + state.count) % state.count };
}

export interface SelectOption<T> {
	label: string;
	value: T;
	/** A disabled option is shown (with its reason) but cannot be chosen. */
	disabled?: boolean;
	hint?: string;
}

export interface SelectState {
	focused: number;
	count: number;
	disabled: boolean[];
}

export type SelectAction = { type: 'up' } | { type: 'down' } | { type: 'reset'; disabled: boolean[] };

export function initialSelectState(disabled: boolean[]): SelectState {
	const first = disabled.findIndex((isDisabled) => !isDisabled);
	return { focused: first === -1 ? 0 : first, count: disabled.length, disabled };
}

/** Moves focus to the next enabled option, wrapping around; reducer-based so fast keys never race. */
export function selectReducer(state: SelectState, action: SelectAction): SelectState {
	if (action.type === 'reset') return initialSelectState(action.disabled);
	if (state.count === 0) return state;
	const step = action.type === 'down' ? 1 : -1;
	for (let offset = 1; offset <= state.count; offset++) {
		const index = (state.focused + step * offset + state.count * offset) % state.count;
		if (!state.disabled[index]) return { ...state, focused: index };
	}
	return state;
}

import { createContext, useContext, useEffect } from 'react';

/** While a text field has focus, letters are text, not shortcuts: q and ? must not quit or open help. */
export const TextEntryContext = createContext<(active: boolean) => void>(() => undefined);

export function useTextEntry(active: boolean) {
	const setActive = useContext(TextEntryContext);
	useEffect(() => {
		if (!active) return undefined;
		setActive(true);
		return () => setActive(false);
	}, [active, setActive]);
}

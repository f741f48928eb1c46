import { createContext, useContext, useId, useLayoutEffect, useState, type ReactNode } from 'react';

interface Entry {
	id: string;
	text: string;
	order: number;
}

const HintsContext = createContext<((id: string, text: string | undefined) => void) | undefined>(undefined);

/** The keys that work on this screen, one line: the component shown last that declared some wins. */
export function useKeyHints(text: string | undefined) {
	const set = useContext(HintsContext);
	const id = useId();
	// A layout effect, so the line changes in the same frame as the screen that declares it (the last frame included).
	useLayoutEffect(() => {
		set?.(id, text);
	}, [set, id, text]);
	useLayoutEffect(() => () => set?.(id, undefined), [set, id]);
}

export function KeyHintsProvider({ children, render }: { children: ReactNode; render(text: string | undefined): ReactNode }) {
	const [entries, setEntries] = useState<Entry[]>([]);
	const [set] = useState(() => {
		let order = 0;
		return (id: string, text: string | undefined) =>
			setEntries((current) => {
				const existing = current.find((entry) => entry.id === id);
				if (text === undefined) return existing ? current.filter((entry) => entry !== existing) : current;
				if (existing) return existing.text === text ? current : current.map((entry) => (entry === existing ? { ...entry, text } : entry));
				return [...current, { id, text, order: order++ }];
			});
	});
	const top = entries.reduce<Entry | undefined>((best, entry) => (!best || entry.order > best.order ? entry : best), undefined);
	return (
		<HintsContext.Provider value={set}>
			{children}
			{render(top?.text)}
		</HintsContext.Provider>
	);
}

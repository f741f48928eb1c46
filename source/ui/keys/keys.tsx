import { useInput, type Key } from 'ink';
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';

/** The input stream's side of the pacing (see KeyStream). */
export interface KeyPacer {
	pace(): () => void;
	acknowledge(): void;
}

/** Who hears a key first: an open view over the screen, then a text field, then the prompt, then the global keys. */
export const PRIORITY = { global: 0, prompt: 10, text: 20, overlay: 30, interrupt: 100 } as const;

/** Returns true when it used the key, so no one below it hears it. */
export type KeyHandler = (input: string, key: Key) => boolean | void;

interface Subscriber {
	handler: { current: KeyHandler };
	priority: number;
	order: number;
}

interface KeyLayer {
	subscribe(subscriber: Omit<Subscriber, 'order'>): () => void;
	/** False while a view covers the prompts: components that read keys on their own (ink-select-input) stop. */
	promptsActive: boolean;
}

const KeyLayerContext = createContext<KeyLayer | undefined>(undefined);

/**
 * The one `useInput` of the wizard: each key goes to the subscribers by priority, newest first within one, until
 * one uses it. Keys arrive one at a time (see KeyStream), so handlers never see a run of several; with a pacer, the
 * next key comes once the effects of this one's render have run, so components that read keys on their own
 * (ink-select-input) have subscribed their new handler by then.
 */
export function KeyProvider({ children, promptsActive = true, pacer }: { children: ReactNode; promptsActive?: boolean; pacer?: KeyPacer }) {
	const subscribers = useRef<Subscriber[]>([]);
	const [keysSeen, setKeysSeen] = useState(0);
	useEffect(() => pacer?.pace(), [pacer]);
	// Runs after the commit of every key, once the effects below it (handlers subscribing again) have run.
	useEffect(() => pacer?.acknowledge(), [pacer, keysSeen]);
	const counter = useRef(0);
	const subscribe = useCallback((subscriber: Omit<Subscriber, 'order'>) => {
		const entry = { ...subscriber, order: counter.current++ };
		subscribers.current = [...subscribers.current, entry].sort((a, b) => b.priority - a.priority || b.order - a.order);
		return () => {
			subscribers.current = subscribers.current.filter((other) => other !== entry);
		};
	}, []);
	useInput((input, key) => {
		setKeysSeen((count) => count + 1);
		for (const subscriber of subscribers.current) {
			if (subscriber.handler.current(input, key) === true) return;
		}
	});
	const layer = useMemo(() => ({ subscribe, promptsActive }), [subscribe, promptsActive]);
	return <KeyLayerContext.Provider value={layer}>{children}</KeyLayerContext.Provider>;
}

/** Listens to keys at a priority while active; the handler is always the latest one rendered. */
export function useKeys(handler: KeyHandler, { isActive = true, priority = PRIORITY.prompt }: { isActive?: boolean; priority?: number } = {}) {
	const layer = useContext(KeyLayerContext);
	if (!layer) throw new Error('useKeys needs a KeyProvider above it');
	const latest = useRef(handler);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	const active = isActive && (priority >= PRIORITY.overlay || layer.promptsActive);
	useEffect(() => {
		if (!active) return undefined;
		return layer.subscribe({ handler: latest, priority });
	}, [active, priority, layer]);
}

/** Whether the prompts have the keys now (no view is open over them). */
export function usePromptsActive(): boolean {
	return useContext(KeyLayerContext)?.promptsActive ?? true;
}

/** Ctrl+C, heard before anything else: the one way to stop now, whatever has the keys. */
export function useInterrupt(onInterrupt: () => void) {
	useKeys(
		(input, key) => {
			if (!(key.ctrl && input === 'c')) return false;
			onInterrupt();
			return true;
		},
		{ priority: PRIORITY.interrupt },
	);
}

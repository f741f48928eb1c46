import { EventEmitter } from 'node:events';
import { render as inkRender, type Instance } from 'ink';
import type { ReactElement, ReactNode } from 'react';
import { KeyStream } from '../../source/ui/keys/key-stream.js';
import { KeyHintsProvider } from '../../source/ui/keys/hints.js';
import { KeyProvider } from '../../source/ui/keys/keys.js';
import { SymbolsContext, unicodeSymbols, type Symbols } from '../../source/ui/symbols.js';
import { plain } from './frames.js';

/** A terminal of a chosen size that keeps every frame written to it. */
class Terminal extends EventEmitter {
	readonly frames: string[] = [];
	readonly isTTY = true;
	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		super();
	}
	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};
	lastFrame = () => this.frames.at(-1);
}

/** The keyboard: what a test writes arrives as one chunk, as a paste or a slow link delivers it. */
class Keyboard extends EventEmitter {
	readonly isTTY = true;
	private data: string | null = null;
	write = (data: string) => {
		this.data = data;
		this.emit('readable');
	};
	read = () => {
		const data = this.data;
		this.data = null;
		return data;
	};
	setEncoding() {}
	setRawMode() {}
	ref() {}
	unref() {}
}

export interface Rendered {
	stdin: { write(data: string): void };
	frames: string[];
	lastFrame(): string | undefined;
	keys: KeyStream;
	unmount: Instance['unmount'];
}

/**
 * Like ink-testing-library's render, with the wizard's input path (KeyStream) between the keyboard and Ink, a terminal
 * of the given size, and, for a component on its own, the key layer and symbols the wizard puts above it.
 */
export function renderWizard(tree: ReactElement | ((keys: KeyStream) => ReactElement), options: { columns?: number; rows?: number } = {}): Rendered {
	const stdout = new Terminal(options.columns ?? 100, options.rows ?? 40);
	const keyboard = new Keyboard();
	const keys = new KeyStream(keyboard);
	const instance = inkRender(typeof tree === 'function' ? tree(keys) : tree, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new Terminal(100, 40) as unknown as NodeJS.WriteStream,
		stdin: keys as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	return { stdin: keyboard, frames: stdout.frames, lastFrame: stdout.lastFrame, keys, unmount: instance.unmount };
}

/** A component with what the wizard's root gives it: the key layer (paced by the stream), the hints line, the symbols. */
export function renderComponent(node: ReactNode, options: { columns?: number; rows?: number; symbols?: Symbols } = {}): Rendered {
	return renderWizard(
		(keys) => (
			<SymbolsContext.Provider value={options.symbols ?? unicodeSymbols}>
				<KeyProvider pacer={keys}>
					<KeyHintsProvider render={() => null}>{node}</KeyHintsProvider>
				</KeyProvider>
			</SymbolsContext.Provider>
		),
		options,
	);
}

export const frameOf = (rendered: Rendered) => plain(rendered.lastFrame());
